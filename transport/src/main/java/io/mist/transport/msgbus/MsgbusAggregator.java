package io.mist.transport.msgbus;

import io.mist.transport.http.HttpResponses;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

import java.nio.charset.StandardCharsets;

/**
 * Whole requests for the msgbus router, up to {@code --max-frame-size}; a larger body is answered as msgbus does,
 * {@code 413 payload exceeds max-payload-size}, and the rest of it is read and thrown away, so the connection can
 * go on (it is closed after the answer when the request did not keep it alive). Its event loop.
 */
public final class MsgbusAggregator extends HttpObjectAggregator
{
    private static final byte[] TOO_LARGE = "payload exceeds max-payload-size\n".getBytes(StandardCharsets.US_ASCII);

    public MsgbusAggregator(final int maxContentLength)
    {
        super(maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
    {
        final FullHttpResponse response = HttpResponses.response(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            HttpResponses.TEXT, TOO_LARGE);
        response.headers().set("X-Content-Type-Options", "nosniff");
        if (HttpUtil.isKeepAlive(oversized) && !HttpUtil.is100ContinueExpected(oversized))
        {
            ctx.writeAndFlush(response);
            return;
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
