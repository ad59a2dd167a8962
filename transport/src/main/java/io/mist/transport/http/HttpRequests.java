package io.mist.transport.http;

import io.mist.transport.ConnectionLimits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/** The first look at a request on a listener that speaks mist's HTTP (mist's, msgbus's). Event loop. */
public final class HttpRequests
{
    private HttpRequests()
    {
    }

    /**
     * Marks the connection as having sent a request ({@code --handshake-timeout} no longer applies) and decodes the
     * request's URI; answers {@code 400} and returns null when the request or its URI is malformed.
     */
    public static QueryStringDecoder uri(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        ConnectionLimits.identified(ctx.channel());
        if (!request.decoderResult().isSuccess())
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, "400 Bad Request\n");
            return null;
        }
        final QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        try
        {
            uri.path();
            uri.parameters();
        }
        catch (final IllegalArgumentException ex)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, "400 Bad Request: malformed URI\n");
            return null;
        }
        return uri;
    }
}
