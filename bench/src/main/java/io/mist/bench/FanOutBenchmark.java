package io.mist.bench;

import io.mist.engine.EngineCounters;
import io.mist.engine.match.Matcher;
import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.outbound.SharedFrames;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.ring.PayloadPool;
import io.mist.engine.session.ClientSession;
import io.mist.engine.tag.TagTable;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One publish to four subscribers through the real matcher and their outbound rings, in one thread: the request is
 * filled into an inbound slot (as an IO thread decodes it), matched and enqueued ({@code Matcher.onEvent}), and each
 * subscriber's ring drained into a direct buffer (as the drain copies into a socket write). With {@code share}, large
 * messages are queued by reference to one copy ({@link SharedFrames}); without, copied into each ring. Reports
 * publishes per second.
 */
@State(Scope.Thread)
public class FanOutBenchmark extends DataPathBenchmark
{
    private static final int SUBSCRIBERS = 4;

    @Param({ "128", "16384" })
    public int size;

    @Param({ "true", "false" })
    public boolean share;

    private final PayloadPool pool = new PayloadPool();
    private final InboundEvent event = new InboundEvent(pool);
    private final ClientSession[] subscribers = new ClientSession[SUBSCRIBERS];
    private Matcher matcher;
    private byte[] frame;
    private int publisher;
    private int tag;
    private long sequence;
    private final UnsafeBuffer socket = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 20));
    private long written;
    private final ControlledMessageHandler drain = (type, buffer, index, length) ->
    {
        buffer.getBytes(index, socket, (int)(written & ((1 << 19) - 1)), length);
        written += length;
        return ControlledMessageHandler.Action.CONTINUE;
    };

    @Setup
    public void setUp()
    {
        final TagTable tags = new TagTable();
        tag = Workload.intern(tags, "big");
        matcher = new Matcher(tags, new EngineCounters());
        final SharedFrames shared = share ? new SharedFrames(pool, 64 << 20) : null;
        if (share)
        {
            matcher.share(shared);
        }
        for (int i = 0; i < SUBSCRIBERS; i++)
        {
            subscribers[i] = new ClientSession(i + 1, new OutboundRing(4 << 20, shared), () -> { });
            final int slot = matcher.sessions().register(subscribers[i]);
            event.reset(slot);
            event.type = InboundEventType.SUBSCRIBE;
            event.tagCapacity(1)[0] = tag;
            event.tagCount = 1;
            matcher.onEvent(event, sequence++, true);
        }
        publisher = matcher.sessions().register(new ClientSession(99, new OutboundRing(4 << 20, shared), () -> { }));
        final String data = "x".repeat(size);
        frame = ("{\"command\":\"publish\",\"tags\":[\"big\"],\"data\":\"" + data + "\"}\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public long publish()
    {
        event.reset(publisher);
        event.type = InboundEventType.PUBLISH;
        event.tags[0] = tag;
        event.tagCount = 1;
        event.payload.ensureSpare(frame.length);
        event.payload.putUnchecked(frame, 0, frame.length);
        matcher.onEvent(event, sequence++, true);
        for (int i = 0; i < SUBSCRIBERS; i++)
        {
            subscribers[i].outbound().drain(drain, Integer.MAX_VALUE);
        }
        return written;
    }
}
