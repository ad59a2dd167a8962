package io.mist.bench;

import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.CpuSet;
import io.mist.engine.Engine;
import io.mist.engine.EngineConfig;
import io.mist.engine.ingress.ClientIngress;
import io.mist.engine.ring.WaitStrategyKind;
import io.mist.engine.session.ClientSession;
import org.agrona.concurrent.ControlledMessageHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One message's way from an IO thread to the matcher thread and back, alone, through the real engine: the benchmark
 * thread (the IO thread) publishes, the parked matcher is woken, matches the message for one subscriber and wakes that
 * subscriber's transport, which is the benchmark thread again, parked until then; it drains the frame. At a moderate
 * rate every batch of messages pays this trip: two thread hand-offs, which Redis, one thread, does not make. Run
 * under {@code taskset -c 1} the two threads share one CPU, as mist's defaults put them on a two-CPU machine, and the
 * inverse of the rate is CPU time per trip. {@code spin}: whether the matcher polls briefly before it parks (the
 * default unless the IO threads share its CPU).
 */
@State(Scope.Benchmark)
public class WakeUpRoundTripBenchmark extends DataPathBenchmark
{
    @Param({ "false", "true" })
    public boolean spin;

    private final MistFrame frame = new MistFrame();
    private Engine engine;
    private ClientIngress publisher;
    private ClientSession subscriber;
    private volatile Thread waiting;
    private volatile boolean woken;
    private final ControlledMessageHandler discard = (type, buffer, index, length) ->
        ControlledMessageHandler.Action.CONTINUE;

    @Setup
    public void setUp() throws Exception
    {
        engine = new Engine(new EngineConfig(EngineConfig.DEFAULT_RING_SIZE, WaitStrategyKind.parse("block"), 1 << 20)
            .withMatcherCpus(CpuSet.NONE, !spin)).start();
        subscriber = engine.openSession(this::wake);
        submit(engine.clientIngress(subscriber, true), "{\"command\":\"subscribe\",\"tags\":[\"orders\"]}");
        publisher = engine.clientIngress(engine.openSession(() -> { }), true);
        parse("{\"command\":\"publish\",\"tags\":[\"orders\"],\"data\":\"" + "p".repeat(64) + "\"}");
        if (roundTrip() == 0) // the ring is in order: the subscription is in place before the first publish
        {
            throw new IllegalStateException("the subscriber received nothing");
        }
    }

    @TearDown
    public void tearDown()
    {
        engine.close();
    }

    @Benchmark
    public int roundTrip()
    {
        woken = false;
        submitWaitingForRoom(publisher, frame);
        awaitWake();
        return subscriber.outbound().drain(discard, Integer.MAX_VALUE);
    }

    /** Matcher thread: the subscriber's ring has frames. */
    private void wake()
    {
        woken = true;
        final Thread parked = waiting;
        if (parked != null)
        {
            LockSupport.unpark(parked);
        }
    }

    private void awaitWake()
    {
        waiting = Thread.currentThread();
        while (!woken)
        {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
        }
        waiting = null;
    }

    private void submit(final ClientIngress ingress, final String json) throws io.mist.codec.FrameException
    {
        parse(json);
        submitWaitingForRoom(ingress, frame);
    }

    private void parse(final String json) throws io.mist.codec.FrameException
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        new MistFrameParser().parse(bytes, bytes.length, frame);
    }
}
