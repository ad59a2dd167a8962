package io.mist.codec;

/**
 * Where a {@link GrowableBytes} takes an array when it outgrows its own, and leaves it once emptied. Implementations
 * say which threads may call them.
 */
public interface ByteArrayPool
{
    /** An array of at least {@code minCapacity} bytes (it may be longer), taken from the pool or new. */
    byte[] acquire(int minCapacity);

    /** Gives back an array {@link #acquire} returned and nobody uses any more; the pool keeps it or lets it go. */
    void release(byte[] array);
}
