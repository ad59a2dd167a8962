package io.mist.bench;

import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.session.ClientSession;
import io.mist.transport.legacy.LegacyTextFraming;
import io.mist.transport.outbound.ChannelOutbound;
import io.mist.transport.ws.WebSocketTextFraming;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
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
 * released. Reports deliveries per second; with {@code -prof gc}, bytes allocated per delivery.
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

    private EmbeddedChannel channel;
    private ClientSession session;
    private ChannelOutbound outbound;
    private final UnsafeBuffer frame = new UnsafeBuffer(DELIVERY);

    @Setup
    public void setUp()
    {
        channel = new EmbeddedChannel();
        outbound = new ChannelOutbound(channel);
        session = new ClientSession(1, new OutboundRing(1 << 20), outbound);
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
            session.outbound().offer(frame, 0, DELIVERY.length);
        }
        outbound.resume();
        int bytes = 0;
        for (ByteBuf written = channel.readOutbound(); written != null; written = channel.readOutbound())
        {
            bytes += written.readableBytes();
            written.release();
        }
        return bytes;
    }
}
