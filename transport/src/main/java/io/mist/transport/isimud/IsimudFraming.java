package io.mist.transport.isimud;

import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.JsonStringDecoder;
import io.mist.transport.outbound.OutboundFraming;
import io.mist.transport.ws.WebSocketTextFraming;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * isimud's subscribers receive each message as one WebSocket text frame holding only its data. This framing takes
 * the {@code data} of each publish frame in the client's ring and writes it as such a frame; other frames (an error
 * reply to its subscription, say) are not part of isimud's protocol and are left out. One per connection (it keeps a
 * buffer for decoding); its event loop; no allocation per message once the buffer fits.
 */
final class IsimudFraming implements OutboundFraming
{
    private static final byte[] PUBLISH = "{\"command\":\"publish\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = ",\"data\":".getBytes(StandardCharsets.US_ASCII);

    private final GrowableBytes frame = new GrowableBytes(1024);
    private final GrowableBytes data = new GrowableBytes(1024);

    @Override
    public void encode(final ByteBuf in, final int offset, final int length, final ByteBuf out)
    {
        frame.clear();
        frame.ensureSpare(length);
        in.getBytes(offset, frame.array(), 0, length);
        frame.advance(length);
        if (!startsWith(frame.array(), 0, PUBLISH))
        {
            return;
        }
        data.clear();
        final int at = indexOf(frame.array(), frame.length(), DATA);
        if (at >= 0)
        {
            try
            {
                JsonStringDecoder.decode(frame.array(), at + DATA.length, frame.length(), data);
            }
            catch (final FrameException ex)
            {
                return; // the engine wrote it; it cannot be malformed
            }
        }
        WebSocketTextFraming.header(out, data.length());
        out.writeBytes(data.array(), 0, data.length());
    }

    @Override
    public int maxEncodedLength(final int length)
    {
        return length + 10; // the data is never longer than the frame that holds it
    }

    private static boolean startsWith(final byte[] bytes, final int from, final byte[] prefix)
    {
        if (bytes.length - from < prefix.length)
        {
            return false;
        }
        for (int i = 0; i < prefix.length; i++)
        {
            if (bytes[from + i] != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    /** Where {@code needle} first occurs: at the data member (a tag cannot hold an unescaped quote). */
    private static int indexOf(final byte[] bytes, final int limit, final byte[] needle)
    {
        for (int i = 0; i + needle.length <= limit; i++)
        {
            boolean match = true;
            for (int j = 0; j < needle.length && match; j++)
            {
                match = bytes[i + j] == needle[j];
            }
            if (match)
            {
                return i;
            }
        }
        return -1;
    }
}
