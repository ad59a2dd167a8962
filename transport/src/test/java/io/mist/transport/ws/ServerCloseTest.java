package io.mist.transport.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The closing handshake a stopping server starts: its close frame out, reading again, the client's answer awaited. */
class ServerCloseTest
{
    /** Stands for the WebSocket decoder: hands frames on as they come. */
    private static final class Frames extends ChannelInboundHandlerAdapter implements WebSocketFrameDecoder
    {
    }

    /** Stands for a dialect's handler: records what reaches it. */
    private static final class Dialect extends ChannelInboundHandlerAdapter
    {
        final List<Object> read = new ArrayList<>();

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            read.add(msg);
        }
    }

    @Test
    void sendsItsCloseReadsAgainDropsWhatComesAndClosesOnTheAnswer()
    {
        final Dialect dialect = new Dialect();
        final EmbeddedChannel channel = new EmbeddedChannel(new Frames(), dialect);
        channel.config().setAutoRead(false); // as the drain leaves it
        ServerClose.start(channel, WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server stopping");
        channel.runPendingTasks();

        final CloseWebSocketFrame sent = assertInstanceOf(CloseWebSocketFrame.class, channel.readOutbound());
        assertEquals(1001, sent.statusCode());
        assertEquals("server stopping", sent.reasonText());
        sent.release();
        assertTrue(channel.config().isAutoRead(), "reads again, to hear the answer");
        assertTrue(channel.isOpen(), "open until the client answers");

        final TextWebSocketFrame late = new TextWebSocketFrame(Unpooled.copiedBuffer("{\"command\":\"publish\"}",
            StandardCharsets.UTF_8));
        channel.writeInbound(late);
        assertTrue(dialect.read.isEmpty(), "what the client sends after the server's close reaches no handler");
        assertEquals(0, late.refCnt(), "and is released");
        assertTrue(channel.isOpen());

        channel.writeInbound(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE));
        assertFalse(channel.isOpen(), "closed once the client answered");
        assertTrue(dialect.read.isEmpty());
    }

    @Test
    void aConnectionThatIsNoWebSocketYetIsClosedAtOnce()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ServerClose.start(channel, WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server stopping");
        channel.runPendingTasks();
        assertFalse(channel.isOpen());
        assertNull(channel.readOutbound(), "no close frame to a connection that speaks no WebSocket");
    }
}
