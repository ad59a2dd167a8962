package io.mist.transport.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * The connection's event loop: the closing handshake the server starts when it stops (RFC 6455 §7.1.2), for every
 * WebSocket of ours (mist's, isimud's, msgbus's). It sends a close frame and reads again, since a drain stopped
 * reading. Whatever the client still sends is dropped, never reaching the dialect's handlers (the engine has stopped).
 * When the client's close frame comes back, the connection closes. The client then sees a clean close with the status
 * and reason. A client that does not answer is closed by the caller at its deadline.
 */
public final class ServerClose extends ChannelInboundHandlerAdapter
{
    private ServerClose()
    {
    }

    /** Starts the handshake on {@code channel}, a WebSocket's; closes it at once if it is not one yet. Any thread. */
    public static void start(final Channel channel, final WebSocketCloseStatus status, final String reason)
    {
        channel.eventLoop().execute(() ->
        {
            final ChannelPipeline pipeline = channel.pipeline();
            final ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
            if (decoder == null || !channel.isActive())
            {
                channel.close();
                return;
            }
            pipeline.addAfter(decoder.name(), "websocket-server-close", new ServerClose());
            channel.writeAndFlush(new CloseWebSocketFrame(status, reason))
                .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            channel.config().setAutoRead(true);
        });
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final boolean answered = msg instanceof CloseWebSocketFrame;
        ReferenceCountUtil.release(msg);
        if (answered)
        {
            ctx.close();
        }
    }
}
