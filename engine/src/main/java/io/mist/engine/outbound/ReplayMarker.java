package io.mist.engine.outbound;

import io.mist.codec.GrowableBytes;
import org.agrona.DirectBuffer;

/**
 * The record that marks, in a client's queue and in the retention store's, the point where a replay goes: a zero byte
 * (which no frame starts with), the replay's id in decimal, and a newline. The matcher writes both at once, so the
 * store's answer and the client's live messages meet there. Stateless.
 */
public final class ReplayMarker
{
    public static final byte FIRST = 0;

    private ReplayMarker()
    {
    }

    /** Appends the marker of {@code id} to {@code out}. */
    public static void write(final GrowableBytes out, final long id)
    {
        out.put(FIRST);
        Ids.append(out, id);
        out.put((byte)'\n');
    }

    /** Whether the record at {@code index} is a marker. */
    public static boolean is(final DirectBuffer buffer, final int index, final int length)
    {
        return length > 0 && buffer.getByte(index) == FIRST;
    }

    /** The id of the marker record at {@code index}. */
    public static long id(final DirectBuffer buffer, final int index, final int length)
    {
        long id = 0;
        for (int i = index + 1; i < index + length && buffer.getByte(i) != '\n'; i++)
        {
            id = id * 10 + (buffer.getByte(i) - '0');
        }
        return id;
    }

    /** The id of a marker held in {@code bytes[0, length)}; -1 when it is not one. */
    public static long id(final byte[] bytes, final int length)
    {
        if (length < 2 || bytes[0] != FIRST)
        {
            return -1;
        }
        long id = 0;
        for (int i = 1; i < length && bytes[i] != '\n'; i++)
        {
            id = id * 10 + (bytes[i] - '0');
        }
        return id;
    }
}
