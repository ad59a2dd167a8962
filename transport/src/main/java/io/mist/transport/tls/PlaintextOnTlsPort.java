package io.mist.transport.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First in a TLS listener's pipeline: a connection whose first byte does not start a TLS handshake record is a
 * plain client at a TLS port. Rather than a silent close (what TLS does with bytes that are not TLS), it is told so
 * in plain text, in its protocol's format (a mist error line, or an HTTP {@code 400}), and closed. A connection that
 * does start a handshake goes on to TLS untouched. The connection's event loop.
 */
public final class PlaintextOnTlsPort extends ByteToMessageDecoder
{
    private static final Logger LOG = LoggerFactory.getLogger(PlaintextOnTlsPort.class);
    /** The first byte of a TLS record that carries a handshake (ClientHello). */
    private static final byte HANDSHAKE = 0x16;
    private static final String MIST_ERROR = "{\"command\":\"\",\"error\":\"this port speaks TLS - connect with " +
        "TLS (mist ping --tls, openssl s_client)\"}\n";
    private static final String HTTP_BODY = "400 Bad Request: this port speaks HTTPS (TLS)\n";
    private static final String HTTP_ERROR = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; " +
        "charset=utf-8\r\nConnection: close\r\nContent-Length: " + HTTP_BODY.length() + "\r\n\r\n" + HTTP_BODY;

    private final boolean http;

    /** @param http whether the listener speaks HTTP (https://, wss://) rather than mist's TCP protocol (tls://). */
    public PlaintextOnTlsPort(final boolean http)
    {
        this.http = http;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        if (!in.isReadable())
        {
            return;
        }
        if (in.getByte(in.readerIndex()) == HANDSHAKE)
        {
            ctx.pipeline().remove(this); // what was read goes on to TLS
            return;
        }
        in.skipBytes(in.readableBytes());
        LOG.debug("Plain-text client {} at a TLS port; told so and closed", ctx.channel().remoteAddress());
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.copiedBuffer(http ? HTTP_ERROR : MIST_ERROR, StandardCharsets.US_ASCII))
            .addListener(ChannelFutureListener.CLOSE);
    }
}
