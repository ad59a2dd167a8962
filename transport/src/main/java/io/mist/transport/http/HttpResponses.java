package io.mist.transport.http;

import io.mist.codec.Command;
import io.mist.codec.ReplyEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * Writes the HTTP responses of every HTTP-speaking listener (mist's, isimud's): plain text as mist's, JSON errors in
 * mist's message format, keep-alive as the request asks. Event loop.
 */
public final class HttpResponses
{
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String JSON = "application/json";

    private HttpResponses()
    {
    }

    public static void text(final ChannelHandlerContext ctx, final HttpRequest request, final HttpResponseStatus status,
        final String body)
    {
        send(ctx, request, response(ctx, status, TEXT, body.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code {"command":"publish","error":"..."}} with the given status. */
    static void jsonError(final ChannelHandlerContext ctx, final HttpRequest request, final HttpResponseStatus status,
        final Command command, final String error)
    {
        send(ctx, request, response(ctx, status, JSON, ReplyEncoder.error(command, error)));
    }

    public static FullHttpResponse response(final ChannelHandlerContext ctx, final HttpResponseStatus status,
        final String contentType, final byte[] body)
    {
        final ByteBuf content = ctx.alloc().buffer(body.length).writeBytes(body);
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        if (contentType != null)
        {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    /** Sends and keeps the connection open when the request allows it, else closes after the write. */
    public static void send(final ChannelHandlerContext ctx, final HttpRequest request, final FullHttpResponse response)
    {
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive)
        {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0))
            {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response);
        }
        else
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
