package io.mist.transport.http;

import io.mist.auth.Access;
import io.mist.auth.AccessControl;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;

import java.util.List;

/**
 * The token of a request to an HTTP listener that speaks mist's way of giving one (mist's HTTP and WebSocket
 * endpoints, msgbus's API): the header {@code X-AUTH-TOKEN}, else the query parameter {@code x-auth-token}, checked
 * before anything else happens. Event loop.
 */
public final class HttpTokens
{
    private static final String HEADER = "X-AUTH-TOKEN";
    private static final String PARAMETER = "x-auth-token";

    private HttpTokens()
    {
    }

    /**
     * What the request's token opens when auth is on; answers 401 and returns null when it is missing (and anonymous
     * use is not allowed) or wrong, 503 when the auth URL could not decide. Returns null without an answer while the
     * auth URL is asked: the request waits in {@code held}, and is routed again with the answer.
     */
    public static Access admitted(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final QueryStringDecoder uri, final AccessControl gate, final HeldRequests held)
    {
        if (!gate.enabled())
        {
            return Access.ANONYMOUS;
        }
        String token = request.headers().get(HEADER);
        if (token == null || token.isEmpty())
        {
            token = parameter(uri, PARAMETER);
            if ((token == null || token.isEmpty()) && ctx.pipeline().get(SslHandler.class) != null)
            {
                token = parameter(uri, HEADER); // mist's wss listener also reads this spelling
            }
        }
        if ((token == null || token.isEmpty()) && gate.allowsAnonymous())
        {
            return Access.ANONYMOUS;
        }
        final Access access = held.access(ctx, gate, token);
        if (access == null)
        {
            return null; // routed again with the auth URL's answer
        }
        if (access.admitted())
        {
            return access;
        }
        if (access.kind() == Access.Kind.UNAVAILABLE)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: " +
                "the token could not be checked: " + access.failure() + "; try again\n");
            return null;
        }
        HttpResponses.text(ctx, request, HttpResponseStatus.UNAUTHORIZED, "401 Unauthorized: send a valid token in " +
            "the X-AUTH-TOKEN header or the x-auth-token query parameter\n");
        return null;
    }

    /** The first value of a query parameter; null when absent. */
    public static String parameter(final QueryStringDecoder uri, final String name)
    {
        final List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
