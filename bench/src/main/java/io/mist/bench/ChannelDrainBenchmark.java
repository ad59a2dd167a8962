package io.mist.bench;

import io.mist.engine.metrics.EnqueueStamp;
import io.mist.engine.metrics.LatencyStage;
import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.outbound.SharedFrames;
import io.mist.engine.ring.PayloadPool;
import io.mist.engine.session.ClientSession;
import io.mist.transport.SocketTuning;
import io.mist.transport.legacy.LegacyTextFraming;
import io.mist.transport.outbound.ChannelOutbound;
import io.mist.transport.ws.WebSocketTextFraming;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;

/**
 * A client's IO-thread drain, from its outbound ring to the channel, per transport: TCP (bytes as they are),
 * WebSocket (a text-frame header per delivery, written into the drain buffer) and legacy text (each JSON delivery
 * rewritten as a line). 64 deliveries queued, then one drain into an embedded channel whose written buffers are
 * released. {@code frame=shared16k} queues 16 KiB messages by reference instead, as the matcher does for large ones
 * ({@link SharedFrames}), to one receiver of each (so every drain makes the message's direct copy). Reports deliveries
 * per second; with {@code -prof gc}, bytes allocated per delivery. For {@code shared16k} that figure is not the
 * server's: Netty 4.2 recycles buffer views and outbound entries, and caches pooled memory, only on its own
 * (FastThreadLocal) threads, which the server's IO threads are and JMH's are not (see perf-results, seventh session).
 */
@State(Scope.Thread)
public class ChannelDrainBenchmark extends DataPathBenchmark
{
    private static final int BATCH = 64;
    private static final byte[] DELIVERY = ("{\"command\":\"publish\",\"tags\":[\"region:eu\",\"service:api\"]," +
        "\"data\":\"{\\\"latency_ms\\\":12,\\\"status\\\":200,\\\"path\\\":\\\"/v1/items\\\"}\"}\n")
        .getBytes(StandardCharsets.UTF_8);

    @Param({ "tcp", "websocket", "legacy" })
    public String transport;

    @Param({ "small", "shared16k" })
    public String frame;

    /**
     * The latency histogram of enqueue-to-written ({@code --no-latency-histograms} turns it off): {@code off}; {@code
     * perFrame}, every delivery enqueued at its own time, one value recorded per delivery (the worst case: one message
     * per matcher batch); {@code per8}, eight deliveries per enqueue time (batches of eight).
     */
    @Param({ "off", "perFrame", "per8" })
    public String histogram;

    private EmbeddedChannel channel;
    private ClientSession session;
    private ChannelOutbound outbound;
    private final UnsafeBuffer delivery = new UnsafeBuffer(DELIVERY);
    private final PayloadPool pool = new PayloadPool();
    private final SharedFrames shared = new SharedFrames(pool, 64 << 20);
    private byte[] large;
    private boolean recording;
    private int framesPerStamp;
    private int stamp = 2;

    @Setup
    public void setUp()
    {
        channel = new EmbeddedChannel();
        recording = !histogram.equals("off");
        outbound = recording ? new ChannelOutbound(channel, new SingleWriterRecorder(1, LatencyStage.HIGHEST_NANOS, 2),
            SocketTuning.DEFAULT_WRITE_BATCH) : new ChannelOutbound(channel);
        framesPerStamp = histogram.equals("perFrame") ? 1 : 8;
        session = new ClientSession(1, new OutboundRing(4 << 20, shared), outbound);
        final String head = "{\"command\":\"publish\",\"tags\":[\"large\"],\"data\":\"";
        large = (head + "x".repeat(16 * 1024 - head.length() - 3) + "\"}\n").getBytes(StandardCharsets.UTF_8);
        outbound.attach(session);
        if (transport.equals("websocket"))
        {
            outbound.framing(WebSocketTextFraming.INSTANCE);
        }
        else if (transport.equals("legacy"))
        {
            outbound.framing(new LegacyTextFraming());
        }
    }

    @TearDown
    public void tearDown()
    {
        channel.finishAndReleaseAll();
        session.outbound().release();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int enqueueAndDrain()
    {
        for (int i = 0; i < BATCH; i++)
        {
            if (i % framesPerStamp == 0)
            {
                stamp = stamp == Integer.MAX_VALUE ? 2 : stamp + 1; // EnqueueStamp's units; any positive int
            }
            final int enqueued = recording ? stamp : EnqueueStamp.NONE;
            if (frame.equals("small"))
            {
                session.outbound().offer(delivery, 0, DELIVERY.length, enqueued);
            }
            else
            {
                // As the matcher shares a large publish: a pooled array, a slot, one reference, the settle.
                final byte[] array = pool.acquire(large.length);
                System.arraycopy(large, 0, array, 0, large.length);
                final int slot = shared.claim(array, large.length);
                shared.settle(slot, session.outbound().offerShared(slot, large.length, enqueued) ? 1 : 0);
            }
        }
        int bytes = 0;
        do
        {
            // A drain stops when the channel's outbound buffer passes its high-water mark (1 MiB of large frames
            // does); what it wrote is taken, and the next drain goes on.
            outbound.resume();
            for (ByteBuf written = channel.readOutbound(); written != null; written = channel.readOutbound())
            {
                bytes += written.readableBytes();
                written.release();
            }
        }
        while (session.outbound().size() > 0);
        return bytes;
    }
}
