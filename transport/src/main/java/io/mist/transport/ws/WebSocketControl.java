package io.mist.transport.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;

/**
 * The control frames every WebSocket of ours answers alike (mist's, isimud's, msgbus's): a ping with its pong, a close
 * with the closing handshake; a pong needs nothing. The connection's event loop.
 */
public final class WebSocketControl
{
    private WebSocketControl()
    {
    }

    /**
     * Answers {@code frame} if it is a control frame; the caller still releases it.
     *
     * @return whether it was one (ping, pong or close).
     */
    public static boolean answer(final ChannelHandlerContext ctx, final WebSocketServerHandshaker handshaker,
        final WebSocketFrame frame)
    {
        if (frame instanceof PingWebSocketFrame)
        {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return true;
        }
        if (frame instanceof CloseWebSocketFrame)
        {
            handshaker.close(ctx.channel(), (CloseWebSocketFrame)frame.retain());
            return true;
        }
        return frame instanceof PongWebSocketFrame;
    }
}
