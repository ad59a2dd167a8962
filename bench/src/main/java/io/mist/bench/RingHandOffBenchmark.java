package io.mist.bench;

import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.Engine;
import io.mist.engine.EngineConfig;
import io.mist.engine.ingress.ClientIngress;
import io.mist.engine.ring.WaitStrategyKind;
import io.mist.engine.session.ClientSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;

/**
 * The hand-off from an IO thread to the matcher thread through the real engine: the benchmark thread dispatches a
 * decoded publish into the inbound Disruptor ring, and the engine's own matcher thread takes it up and matches it (no
 * subscriber holds its tags, so nothing is enqueued). The ring is bounded, so over a measurement the producer can run
 * ahead of the matcher by at most one ring: the figure is the rate both threads sustain together. With latency
 * histograms on, as the server runs by default.
 */
@State(Scope.Benchmark)
public class RingHandOffBenchmark extends DataPathBenchmark
{
    @Param({ "block", "yield" })
    public String waitStrategy;

    private final MistFrame frame = new MistFrame();
    private Engine engine;
    private ClientIngress ingress;

    @Setup
    public void setUp() throws Exception
    {
        engine = new Engine(new EngineConfig(EngineConfig.DEFAULT_RING_SIZE, WaitStrategyKind.parse(waitStrategy),
            1 << 20)).start();
        final ClientSession session = engine.openSession(() -> { });
        ingress = engine.clientIngress(session, true);
        final byte[] json = ("{\"command\":\"publish\",\"tags\":[\"priority\",\"orders\",\"eu-west\"],\"data\":\"" +
            "p".repeat(64) + "\"}").getBytes(StandardCharsets.UTF_8);
        new MistFrameParser().parse(json, json.length, frame);
    }

    @TearDown
    public void tearDown()
    {
        engine.close();
    }

    @Benchmark
    public void handOff()
    {
        submitWaitingForRoom(ingress, frame);
    }

    /** Requests in one socket read, for {@link #handOffHeldPerRead} (a 16 KiB read of publishes this size). */
    static final int PER_READ = 100;

    /**
     * As a TCP connection's read of many publishes is handed off: its wake-ups of the matcher held until the read is
     * done ({@code ReadWakeups}), so a parked matcher is woken once per read. Per request.
     */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(PER_READ)
    public void handOffHeldPerRead()
    {
        final io.mist.engine.ring.WakeupHold wakeups = engine.wakeups();
        wakeups.hold();
        try
        {
            for (int i = 0; i < PER_READ; i++)
            {
                handOff();
            }
        }
        finally
        {
            wakeups.release();
        }
    }
}
