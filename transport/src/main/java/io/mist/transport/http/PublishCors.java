package io.mist.transport.http;

import io.mist.transport.TransportConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.ArrayDeque;

/**
 * CORS for {@code /publish}, so that a page from an allowed origin can {@code fetch()} it with a JSON body and read
 * the answer: each response to a {@code /publish} request that came with an allowed {@code Origin} gets
 * {@code Access-Control-Allow-Origin} for that origin, whatever handler wrote it (the router, or the aggregator's
 * {@code 413}). The router answers preflights and refuses origins that {@code --allowed-origins} does not list.
 * Responses go out in the order of the requests (HTTP/1.1), so a queue pairs them. The connection's event loop.
 */
final class PublishCors extends ChannelDuplexHandler
{
    /** Stands for "no CORS headers" in the queue. */
    private static final String NONE = "";

    private final TransportConfig config;
    private final ArrayDeque<String> origins = new ArrayDeque<>();

    PublishCors(final TransportConfig config)
    {
        this.config = config;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (msg instanceof HttpRequest)
        {
            final HttpRequest request = (HttpRequest)msg;
            final String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            origins.add(origin != null && isPublish(request.uri()) && config.allowsOrigin(origin) ? origin : NONE);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) throws Exception
    {
        if (msg instanceof HttpResponse && ((HttpResponse)msg).status().codeClass() !=
            io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL)
        {
            final String origin = origins.poll();
            if (origin != null && !origin.isEmpty())
            {
                allow(((HttpResponse)msg), origin);
            }
        }
        super.write(ctx, msg, promise);
    }

    /** The headers that let a page from {@code origin} read a response (and, for a preflight, send its request). */
    static void allow(final HttpResponse response, final String origin)
    {
        response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        response.headers().add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    }

    private static boolean isPublish(final String uri)
    {
        try
        {
            return new QueryStringDecoder(uri).path().equals("/publish");
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
    }
}
