package io.mist.transport.http;

import io.mist.engine.EngineCounters;
import io.mist.engine.outbound.DirectMemoryBudget;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Turns an HTTP request into a WebSocket, for every listener that serves one (mist's endpoint, isimud's
 * {@code /sub}): the handshake (no extensions, messages up to the frame limit), the frame handlers put after the
 * router, and the router taken out once the handshake is written; a failed write closes the connection. Event loop.
 */
public final class WebSocketUpgrade
{
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgrade.class);

    private WebSocketUpgrade()
    {
    }

    /**
     * Upgrades {@code request}, or answers it: an unsupported version as Netty does, a malformed upgrade request with
     * {@code 400} and {@code malformed}'s text, and with {@code 503} when direct memory has no room for another
     * client's ring.
     *
     * @param router the handler that routed the request (taken out after the handshake).
     * @param counters where an upgrade refused for want of direct memory is counted.
     * @param handlers the handlers that take the connection's frames, in pipeline order, given the handshaker.
     */
    public static void upgrade(final ChannelHandlerContext ctx, final FullHttpRequest request, final String path,
        final int maxFrameSize, final ChannelHandler router, final EngineCounters counters,
        final Function<RuntimeException, String> malformed,
        final Function<WebSocketServerHandshaker, ChannelHandler[]> handlers)
    {
        final String memory = DirectMemoryBudget.JVM.newClientRefusal();
        if (memory != null)
        {
            counters.refusedOutOfMemory.incrementAndGet();
            LOG.warn("Refused a WebSocket upgrade from {}: {}", ctx.channel().remoteAddress(), memory);
            HttpResponses.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                "503 Service Unavailable: " + memory + "\n");
            return;
        }
        final String location = (ctx.pipeline().get(SslHandler.class) != null ? "wss://" : "ws://") +
            request.headers().get(HttpHeaderNames.HOST, "localhost") + path;
        final WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null,
            WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxFrameSize).allowExtensions(false).build())
            .newHandshaker(request);
        if (handshaker == null)
        {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        final ChannelFuture handshake;
        try
        {
            handshake = handshaker.handshake(ctx.channel(), request, null, ctx.newPromise());
        }
        catch (final RuntimeException ex)
        {
            // A malformed upgrade request (no Sec-WebSocket-Key, say).
            HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, malformed.apply(ex));
            return;
        }
        // The frame handlers open the client's session now; nothing is queued for it before the client's first
        // frame, which cannot come before the handshake response.
        String after = ctx.name();
        int n = 0;
        for (final ChannelHandler handler : handlers.apply(handshaker))
        {
            final String name = "websocket-" + n++;
            ctx.pipeline().addAfter(after, name, handler);
            after = name;
        }
        handshake.addListener(future ->
        {
            if (future.isSuccess())
            {
                ctx.pipeline().remove(router);
            }
            else
            {
                LOG.debug("WebSocket handshake with {} failed: {}", ctx.channel().remoteAddress(), future.cause());
                ctx.close();
            }
        });
    }
}
