package io.mist.transport.outbound;

import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.session.ClientSession;
import io.mist.transport.legacy.LegacyTextFraming;
import io.mist.transport.ws.WebSocketTextFraming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The IO thread's drain with a framing: frames of every WebSocket length class, frames the ring split into records,
 * and frames cut by a drain's batch limit all come out whole, in order, as a real WebSocket decoder reads them.
 */
class ChannelOutboundFramingTest
{
    @Test
    void webSocketFramesOfEveryLengthClassDecode()
    {
        // 2-byte header up to 125, 16-bit length up to 65535, 64-bit length beyond.
        final int[] lengths = { 1, 124, 125, 126, 1000, 65535, 65536, 300_000 };
        final List<String> frames = new ArrayList<>();
        for (final int length : lengths)
        {
            frames.add(frameOfLength(length, frames.size()));
        }
        assertEquals(frames, drainAsWebSocket(frames, 1 << 20));
    }

    @Test
    void manyFramesAcrossSeveralBatchesStayWholeAndInOrder()
    {
        final List<String> frames = new ArrayList<>();
        for (int i = 0; i < 400; i++)
        {
            frames.add(frameOfLength(700 + i, i)); // ~420 KiB: several 64 KiB batches, frames cut at their edges
        }
        assertEquals(frames, drainAsWebSocket(frames, 1 << 20));
    }

    @Test
    void legacyFramingRewritesDeliveriesAndPassesTextThrough()
    {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final ChannelOutbound outbound = new ChannelOutbound(channel);
        final ClientSession session = new ClientSession(1, new OutboundRing(1 << 16), outbound);
        outbound.attach(session);
        outbound.framing(new LegacyTextFraming());
        offer(session, "{\"command\":\"publish\",\"tags\":[\"a\",\"b\"],\"data\":\"x\\ny \\u003c\"}\n");
        offer(session, "{\"command\":\"ping\",\"data\":\"pong\"}\n");
        offer(session, "{\"command\":\"list\",\"data\":\"a,b c\"}\n");
        offer(session, "{\"command\":\"frob\",\"error\":\"Unknown command 'frob'\"}\n");
        outbound.resume();
        assertEquals("publish a,b x\\ny <\npong\nlist a,b c\nerror Unknown command 'frob'\n", readAll(channel));
        session.outbound().release();
    }

    private static String frameOfLength(final int length, final int index)
    {
        final String head = "{\"command\":\"publish\",\"tags\":[\"t\"],\"data\":\"" + index + " ";
        if (length < head.length() + 3)
        {
            return "z".repeat(length - 1) + "\n"; // the framing only looks for the frame's closing newline
        }
        return head + "y".repeat(length - head.length() - 3) + "\"}\n";
    }

    private static List<String> drainAsWebSocket(final List<String> frames, final int ringCapacity)
    {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final ChannelOutbound outbound = new ChannelOutbound(channel);
        final ClientSession session = new ClientSession(1, new OutboundRing(ringCapacity), outbound);
        outbound.attach(session);
        outbound.framing(WebSocketTextFraming.INSTANCE);
        final EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig
            .newBuilder().expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        final List<String> decoded = new ArrayList<>();
        int next = 0;
        while (next < frames.size() || session.outbound().size() > 0)
        {
            // Fill the ring as far as it takes, then drain it the way the event loop would.
            while (next < frames.size() && offer(session, frames.get(next)))
            {
                next++;
            }
            outbound.resume();
            for (ByteBuf written = channel.readOutbound(); written != null; written = channel.readOutbound())
            {
                client.writeInbound(written);
            }
            for (TextWebSocketFrame frame = client.readInbound(); frame != null; frame = client.readInbound())
            {
                decoded.add(frame.text());
                frame.release();
            }
        }
        assertNull(client.readInbound());
        session.outbound().release();
        return decoded;
    }

    private static boolean offer(final ClientSession session, final String frame)
    {
        final byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        return session.outbound().offer(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static String readAll(final EmbeddedChannel channel)
    {
        final ByteBuf all = Unpooled.buffer();
        for (ByteBuf written = channel.readOutbound(); written != null; written = channel.readOutbound())
        {
            all.writeBytes(written);
            written.release();
        }
        return all.toString(StandardCharsets.UTF_8);
    }
}
