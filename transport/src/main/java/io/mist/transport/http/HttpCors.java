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
 * CORS for the paths a page may {@code fetch()} (mist's {@code /publish}, every msgbus path), so that a page from an
 * allowed origin can send a JSON body or a token header and read the answer: each response to such a request that
 * came with an allowed {@code Origin} gets {@code Access-Control-Allow-Origin} for that origin, whatever handler
 * wrote it (the router, or the aggregator's {@code 413}). The routers answer preflights and refuse origins that
 * {@code --allowed-origins} does not list. Responses go out in the order of the requests (HTTP/1.1), so a queue
 * pairs them. The connection's event loop.
 */
public final class HttpCors extends ChannelDuplexHandler
{
    /** Stands for "no CORS headers" in the queue. */
    private static final String NONE = "";

    private final TransportConfig config;
    private final java.util.function.Predicate<String> paths;
    private final ArrayDeque<String> origins = new ArrayDeque<>();

    /** @param paths the request paths that get CORS headers. */
    public HttpCors(final TransportConfig config, final java.util.function.Predicate<String> paths)
    {
        this.config = config;
        this.paths = paths;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        if (msg instanceof HttpRequest)
        {
            final HttpRequest request = (HttpRequest)msg;
            final String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            origins.add(origin != null && covers(request.uri()) && config.allowsOrigin(origin) ? origin : NONE);
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

    private boolean covers(final String uri)
    {
        try
        {
            return paths.test(new QueryStringDecoder(uri).path());
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
    }
}
