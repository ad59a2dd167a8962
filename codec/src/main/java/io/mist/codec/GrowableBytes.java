package io.mist.codec;

import java.util.Arrays;

/**
 * A reusable byte array that grows on demand and never shrinks by itself; the scratch space the codec
 * decodes into. Owned by one thread at a time (the IO thread of its connection, or the matcher; an inbound ring
 * slot's is handed from its producer to the matcher by the ring).
 */
public final class GrowableBytes
{
    private final ByteArrayPool pool;
    private final int pooledFrom;
    /** The array that is this instance's own: the current one, or the one to go back to after a pooled one. */
    private byte[] own;
    private byte[] array;
    private int length;

    public GrowableBytes(final int initialCapacity)
    {
        this(initialCapacity, null, Integer.MAX_VALUE);
    }

    /**
     * Grows into arrays of its own up to {@code pooledFrom} bytes; beyond, it borrows from {@code pool} until
     * {@link #recycle()}, so that many instances that each rarely hold a large payload do not each keep one.
     */
    public GrowableBytes(final int initialCapacity, final ByteArrayPool pool, final int pooledFrom)
    {
        this.pool = pool;
        this.pooledFrom = pooledFrom;
        own = new byte[Math.max(16, initialCapacity)];
        array = own;
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
            grow(needed);
        }
    }

    private void grow(final int needed)
    {
        final int capacity = Math.max(needed, array.length << 1);
        if (pool == null || capacity < pooledFrom)
        {
            array = Arrays.copyOf(array, capacity);
            own = array;
            return;
        }
        final byte[] previous = array;
        array = pool.acquire(capacity);
        System.arraycopy(previous, 0, array, 0, length);
        if (previous != own)
        {
            pool.release(previous);
        }
    }

    /** Empties it and gives a borrowed array back to the pool: the caller must hold no view of it any more. */
    public void recycle()
    {
        if (isBorrowed())
        {
            pool.release(takeBorrowed());
        }
        length = 0;
    }

    /** Whether the current array is borrowed from the pool (it has outgrown its own). */
    public boolean isBorrowed()
    {
        return array != own;
    }

    /**
     * Hands the borrowed array over to the caller, who now gives it back to the pool in its own time, and goes back to
     * its own array, empty. Only while {@link #isBorrowed()}.
     */
    public byte[] takeBorrowed()
    {
        if (array == own)
        {
            throw new IllegalStateException("no borrowed array to hand over");
        }
        final byte[] borrowed = array;
        array = own;
        length = 0;
        return borrowed;
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
        recycle();
        if (array.length > retainLimit)
        {
            array = new byte[initialCapacity];
            own = array;
        }
    }
}
