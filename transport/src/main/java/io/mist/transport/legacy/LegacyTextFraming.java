package io.mist.transport.legacy;

import io.mist.codec.Command;
import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.transport.outbound.OutboundFraming;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Rewrites the engine's JSON frames as the lines of mist's pre-1.0 text protocol: a delivery becomes
 * {@code publish a,b data}, the pong {@code pong}, an error reply {@code error <text>}, a list reply
 * {@code list a,b c} (the engine separates a legacy client's subscriptions with spaces). A newline or carriage return inside data (which a JSON publisher
 * can send) is written as the two characters {@code \n} or {@code \r}, so it cannot break the line protocol.
 * One per legacy connection; its event loop only.
 */
public final class LegacyTextFraming implements OutboundFraming
{
    private static final byte[] PONG = "pong\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUBLISH = "publish ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "error ".getBytes(StandardCharsets.US_ASCII);

    private final MistFrameParser parser = new MistFrameParser();
    private final MistFrame frame = new MistFrame();
    private final GrowableBytes json = new GrowableBytes(512);

    @Override
    public void encode(final ByteBuf in, final int offset, final int length, final ByteBuf out)
    {
        json.clear();
        json.ensureSpare(length);
        in.getBytes(offset, json.array(), 0, length);
        try
        {
            parser.parse(json.array(), length - 1, frame);
        }
        catch (final FrameException ex)
        {
            throw new IllegalStateException("the engine wrote a frame its own parser refuses", ex);
        }
        if (frame.errorLength() > 0)
        {
            out.writeBytes(ERROR);
            writeEscaped(out, frame.errorBytes(), trimNewline(frame.errorBytes(), frame.errorLength()));
        }
        else if (frame.command() == Command.PING)
        {
            out.writeBytes(PONG);
            return;
        }
        else if (frame.command() == Command.PUBLISH)
        {
            out.writeBytes(PUBLISH);
            for (int i = 0; i < frame.tagCount(); i++)
            {
                if (i > 0)
                {
                    out.writeByte(',');
                }
                writeEscaped(out, frame.tagBytes(), frame.tagOffset(i), frame.tagLength(i));
            }
            out.writeByte(' ');
            writeEscaped(out, frame.dataBytes(), frame.dataLength());
        }
        else
        {
            out.writeBytes(frame.commandBytes(), 0, frame.commandLength());
            if (frame.dataLength() > 0 || frame.command() == Command.LIST) // mist 0.x: "list " even when empty
            {
                out.writeByte(' ');
                writeEscaped(out, frame.dataBytes(), frame.dataLength());
            }
        }
        out.writeByte('\n');
        frame.trim(64 * 1024);
    }

    @Override
    public int maxEncodedLength(final int length)
    {
        return length + 16;
    }

    private static int trimNewline(final byte[] bytes, final int length)
    {
        return length > 0 && bytes[length - 1] == '\n' ? length - 1 : length;
    }

    private static void writeEscaped(final ByteBuf out, final byte[] bytes, final int length)
    {
        writeEscaped(out, bytes, 0, length);
    }

    private static void writeEscaped(final ByteBuf out, final byte[] bytes, final int offset, final int length)
    {
        int from = offset;
        final int end = offset + length;
        for (int i = offset; i < end; i++)
        {
            final byte b = bytes[i];
            if (b == '\n' || b == '\r')
            {
                out.writeBytes(bytes, from, i - from);
                out.writeByte('\\');
                out.writeByte(b == '\n' ? 'n' : 'r');
                from = i + 1;
            }
        }
        out.writeBytes(bytes, from, end - from);
    }
}
