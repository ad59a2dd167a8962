package io.mist.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

final class FrameTestSupport
{
    private FrameTestSupport()
    {
    }

    static ByteBuf buf(final String text)
    {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    static String utf8(final byte[] bytes, final int offset, final int length)
    {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    static MistFrame parse(final String json) throws FrameException
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        final MistFrame frame = new MistFrame();
        new MistFrameParser().parse(bytes, bytes.length, frame);
        return frame;
    }

    static String[] tags(final MistFrame frame)
    {
        final String[] tags = new String[frame.tagCount()];
        for (int i = 0; i < tags.length; i++)
        {
            tags[i] = utf8(frame.tagBytes(), frame.tagOffset(i), frame.tagLength(i));
        }
        return tags;
    }

    static String data(final MistFrame frame)
    {
        return utf8(frame.dataBytes(), 0, frame.dataLength());
    }
}
