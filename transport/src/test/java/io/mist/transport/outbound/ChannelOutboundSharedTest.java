package io.mist.transport.outbound;

import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.outbound.SharedFrames;
import io.mist.engine.ring.PayloadPool;
import io.mist.engine.session.ClientSession;
import io.mist.transport.ws.WebSocketTextFraming;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.util.ResourceLeakDetector;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large message queued once for all its receivers ({@link OutboundRing#offerShared}) leaves each TCP client's drain
 * as a view of one direct copy that the receivers share: whole, in order with the frames around it, the same bytes for
 * a receiver drained after another's write has completed, and released once the last view is written.
 */
class ChannelOutboundSharedTest
{
    private final PayloadPool pool = new PayloadPool();
    private final SharedFrames shared = new SharedFrames(pool, 64 << 20);
    private final List<ClientSession> sessions = new ArrayList<>();

    private static ResourceLeakDetector.Level leakDetection;

    /**
     * As in the server (MistCommand turns Netty's leak detection off): under Netty's default level one allocation in
     * 128, picked at random, comes back wrapped for leak tracking, and the wrapper's derived views keep a reference
     * count of their own, so the copy's count read here would depend on the draw (a failure in about one run of 128).
     */
    @BeforeAll
    static void leakDetectionAsInTheServer()
    {
        leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterAll
    static void leakDetectionAsItWas()
    {
        ResourceLeakDetector.setLevel(leakDetection);
    }

    @AfterEach
    void releaseRings()
    {
        sessions.forEach(session -> session.outbound().release());
    }

    @Test
    void oneDirectCopyServesEveryReceiverAndIsReleasedWithTheLastWrite()
    {
        final EmbeddedChannel[] channels = { new EmbeddedChannel(), new EmbeddedChannel(), new EmbeddedChannel() };
        final ChannelOutbound[] outbounds = new ChannelOutbound[channels.length];
        for (int i = 0; i < channels.length; i++)
        {
            outbounds[i] = attach(channels[i]);
        }
        final String before = "{\"command\":\"publish\",\"tags\":[\"s\"],\"data\":\"before\"}\n";
        final String after = "{\"command\":\"publish\",\"tags\":[\"s\"],\"data\":\"after\"}\n";
        final String large = frame(20_000, 'q');
        for (final ClientSession session : sessions)
        {
            offer(session, before);
        }
        offerShared(large, sessions);
        for (final ClientSession session : sessions)
        {
            offer(session, after);
        }

        final List<ByteBuf> views = new ArrayList<>();
        for (int i = 0; i < channels.length; i++)
        {
            outbounds[i].resume();
            final List<ByteBuf> written = written(channels[i]);
            assertTrue((before + large + after).equals(text(written)), "receiver " + i + " gets its frames whole, in order");
            final ByteBuf view = written.stream().filter(buf -> buf.readableBytes() == large.length())
                .findFirst().orElse(null);
            assertNotNull(view, "the large frame is written on its own, as the shared copy's view");
            views.add(view.retain());
            // Written: the socket has read each view to its end, which must not move the others'.
            written.forEach(buf -> buf.readerIndex(buf.writerIndex()).release());
        }
        final long address = views.get(0).memoryAddress();
        for (final ByteBuf view : views)
        {
            assertEquals(address, view.memoryAddress(), "every receiver's view is of the same copy");
        }
        final ByteBuf copy = views.get(0).unwrap();
        assertEquals(0, shared.inUse(), "every reference handed over: the slot ended");
        assertEquals(0, pool.sharedBytes(), "and its heap array went back to the pool");
        assertEquals(views.size(), copy.refCnt(), "the copy lives on while a view is not yet written");
        views.forEach(ByteBuf::release);
        assertEquals(0, copy.refCnt(), "and is released with the last one");
    }

    @Test
    void manyLargeFramesBetweenSmallOnesStayWholeAndInOrderAcrossBatches()
    {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final ChannelOutbound outbound = attach(channel);
        final StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            final String small = "{\"command\":\"publish\",\"tags\":[\"s\"],\"data\":\"" + i + "\"}\n";
            offer(sessions.get(0), small);
            final String large = frame(9_000 + i * 700, (char)('a' + i % 26)); // 9–36 KiB: around the 64 KiB batch
            offerShared(large, sessions);
            expected.append(small).append(large);
        }
        final StringBuilder out = new StringBuilder();
        for (int drains = 0; drains < 100 && sessions.get(0).outbound().size() > 0; drains++)
        {
            outbound.resume(); // a drain writes at most 16 batches; the next resumes where it stopped
            final List<ByteBuf> written = written(channel);
            out.append(text(written));
            written.forEach(ByteBuf::release);
        }
        assertTrue(expected.toString().equals(out.toString()), "every frame whole, in order");
        assertEquals(0, shared.inUse());
    }

    @Test
    void aWebSocketReceiverFramesTheSharedFrameWhileATcpReceiverSharesIt()
    {
        final EmbeddedChannel tcp = new EmbeddedChannel();
        final EmbeddedChannel webSocket = new EmbeddedChannel();
        final ChannelOutbound tcpOutbound = attach(tcp);
        final ChannelOutbound webSocketOutbound = attach(webSocket);
        webSocketOutbound.framing(WebSocketTextFraming.INSTANCE);
        final String large = frame(70_000, 'w'); // beyond a WebSocket frame's 16-bit length
        offerShared(large, sessions);

        webSocketOutbound.resume();
        tcpOutbound.resume();
        final List<ByteBuf> tcpWritten = written(tcp);
        assertTrue(large.equals(text(tcpWritten)), "the TCP receiver gets the frame as it is");
        tcpWritten.forEach(ByteBuf::release);

        final EmbeddedChannel decoder = new EmbeddedChannel(
            new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        for (final ByteBuf buf : written(webSocket))
        {
            decoder.writeInbound(buf);
        }
        final TextWebSocketFrame decoded = decoder.readInbound();
        assertTrue(large.equals(decoded.text()), "one text message, the frame as it is");
        decoded.release();
        assertEquals(0, shared.inUse());
    }

    private ChannelOutbound attach(final EmbeddedChannel channel)
    {
        final ChannelOutbound outbound = new ChannelOutbound(channel);
        final ClientSession session = new ClientSession(sessions.size() + 1, new OutboundRing(1 << 20, shared),
            outbound);
        outbound.attach(session);
        sessions.add(session);
        return outbound;
    }

    /** A delivery of {@code length} bytes, newline included. */
    private static String frame(final int length, final char fill)
    {
        final String head = "{\"command\":\"publish\",\"tags\":[\"s\"],\"data\":\"";
        return head + String.valueOf(fill).repeat(length - head.length() - 3) + "\"}\n";
    }

    private static void offer(final ClientSession session, final String frame)
    {
        final byte[] bytes = frame.getBytes(StandardCharsets.US_ASCII);
        assertTrue(session.outbound().offer(new UnsafeBuffer(bytes), 0, bytes.length));
    }

    /** As the matcher queues a large publish to its receivers: one borrowed array, a reference in each ring. */
    private void offerShared(final String frame, final List<ClientSession> receivers)
    {
        final byte[] bytes = frame.getBytes(StandardCharsets.US_ASCII);
        final byte[] array = pool.acquire(bytes.length);
        System.arraycopy(bytes, 0, array, 0, bytes.length);
        final int slot = shared.claim(array, bytes.length);
        assertTrue(slot != SharedFrames.NONE);
        for (final ClientSession receiver : receivers)
        {
            assertTrue(receiver.outbound().offerShared(slot, bytes.length, 1));
        }
        shared.settle(slot, receivers.size());
    }

    private static List<ByteBuf> written(final EmbeddedChannel channel)
    {
        final List<ByteBuf> written = new ArrayList<>();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound())
        {
            written.add(buf);
        }
        return written;
    }

    private static String text(final List<ByteBuf> written)
    {
        final StringBuilder text = new StringBuilder();
        for (final ByteBuf buf : written)
        {
            text.append(buf.toString(buf.readerIndex(), buf.readableBytes(), StandardCharsets.US_ASCII));
        }
        return text.toString();
    }
}
