package io.mist.transport.ws;

import io.mist.transport.outbound.OutboundFraming;
import io.netty.buffer.ByteBuf;

/**
 * Writes each outbound frame as one unmasked WebSocket text frame (RFC 6455 §5.2) holding the JSON object and its
 * trailing newline, as mist does. The header is written straight into the drain's buffer, so a delivery costs no
 * frame object; control frames (pong, close) are written whole by the handler between drains. Stateless.
 */
public final class WebSocketTextFraming implements OutboundFraming
{
    public static final WebSocketTextFraming INSTANCE = new WebSocketTextFraming();

    private static final int FIN_TEXT = 0x81;
    private static final int MAX_HEADER = 10;

    private WebSocketTextFraming()
    {
    }

    @Override
    public void encode(final ByteBuf in, final int offset, final int length, final ByteBuf out)
    {
        header(out, length);
        out.writeBytes(in, offset, length);
    }

    /** Writes the header of an unmasked, final text frame of {@code length} payload bytes. */
    public static void header(final ByteBuf out, final int length)
    {
        out.writeByte(FIN_TEXT);
        if (length <= 125)
        {
            out.writeByte(length);
        }
        else if (length <= 0xFFFF)
        {
            out.writeByte(126);
            out.writeShort(length);
        }
        else
        {
            out.writeByte(127);
            out.writeLong(length);
        }
    }

    @Override
    public int maxEncodedLength(final int length)
    {
        // The shortest frame the engine writes, {"command":""} and a newline, is 15 bytes with a 2-byte header; longer
        // frames have relatively smaller headers. (The buffer would grow if this were wrong; it only saves a copy.)
        return length + length / 7 + MAX_HEADER;
    }
}
