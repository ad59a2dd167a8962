package io.mist.codec;

import java.util.Arrays;

/**
 * A reusable byte array that grows on demand and never shrinks by itself; the scratch space the codec
 * decodes into. Owned by one thread (the IO thread of its connection, or the matcher).
 */
public final class GrowableBytes
{
    private byte[] array;
    private int length;

    public GrowableBytes(final int initialCapacity)
    {
        array = new byte[Math.max(16, initialCapacity)];
    }

    /** The backing array; valid until the next call that may grow it. */
    public byte[] array()
    {
        return array;
    }

    public int length()
    {
        return length;
    }

    public void clear()
    {
        length = 0;
    }

    /** Sets the length back to an earlier mark, dropping what was appended since. */
    public void truncate(final int newLength)
    {
        length = newLength;
    }

    /** Counts {@code written} bytes the caller put into {@link #array()} at {@link #length()}, after ensuring room. */
    public void advance(final int written)
    {
        length += written;
    }

    /** Makes room for {@code extra} more bytes. */
    public void ensureSpare(final int extra)
    {
        final int needed = length + extra;
        if (needed > array.length)
        {
            array = Arrays.copyOf(array, Math.max(needed, array.length << 1));
        }
    }

    /** Appends a byte; callers on tight loops call {@link #ensureSpare(int)} once and use {@link #putUnchecked(byte)}. */
    public void put(final byte b)
    {
        ensureSpare(1);
        array[length++] = b;
    }

    public void putUnchecked(final byte b)
    {
        array[length++] = b;
    }

    /** Appends bytes after {@link #ensureSpare(int)} made room for them. */
    public void putUnchecked(final byte[] src, final int offset, final int len)
    {
        System.arraycopy(src, offset, array, length, len);
        length += len;
    }

    public void put(final byte[] src, final int offset, final int len)
    {
        ensureSpare(len);
        System.arraycopy(src, offset, array, length, len);
        length += len;
    }

    /** Replaces the array by a small one when it has grown beyond {@code retainLimit}, so one huge frame does not pin memory. */
    public void shrinkIfLargerThan(final int retainLimit, final int initialCapacity)
    {
        if (array.length > retainLimit)
        {
            array = new byte[initialCapacity];
        }
        length = 0;
    }
}
