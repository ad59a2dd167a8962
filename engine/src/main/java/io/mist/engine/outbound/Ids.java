package io.mist.engine.outbound;

import io.mist.codec.GrowableBytes;

/** Message ids in decimal, written without allocating. Stateless. */
public final class Ids
{
    private Ids()
    {
    }

    /** Appends {@code id} (0 or more) in decimal. */
    public static void append(final GrowableBytes out, final long id)
    {
        int digits = 1;
        for (long rest = id / 10; rest > 0; rest /= 10)
        {
            digits++;
        }
        out.ensureSpare(digits);
        final byte[] array = out.array();
        final int end = out.length() + digits;
        long rest = id;
        for (int i = end - 1; i >= out.length(); i--)
        {
            array[i] = (byte)('0' + rest % 10);
            rest /= 10;
        }
        out.advance(digits);
    }
}
