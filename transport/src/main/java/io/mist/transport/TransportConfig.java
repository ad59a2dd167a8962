package io.mist.transport;

/**
 * Limits and tuning shared by every listener: the maximum frame size and the number of IO threads. Immutable,
 * validated once.
 */
public final class TransportConfig
{
    public static final int DEFAULT_MAX_FRAME_SIZE = 256 * 1024;

    private final int maxFrameSize;
    private final int ioThreads;

    /**
     * @param maxFrameSize the largest request frame in bytes; larger frames are refused with an error reply.
     * @param ioThreads IO threads; 0 means one per core.
     */
    public TransportConfig(final int maxFrameSize, final int ioThreads)
    {
        if (maxFrameSize < 64)
        {
            throw new IllegalArgumentException("--max-frame-size must be at least 64 bytes, got " + maxFrameSize);
        }
        if (ioThreads < 0)
        {
            throw new IllegalArgumentException("--io-threads must be 0 (one per core) or more, got " + ioThreads);
        }
        this.maxFrameSize = maxFrameSize;
        this.ioThreads = ioThreads;
    }

    public static TransportConfig defaults()
    {
        return new TransportConfig(DEFAULT_MAX_FRAME_SIZE, 0);
    }

    public int maxFrameSize()
    {
        return maxFrameSize;
    }

    public int ioThreads()
    {
        return ioThreads == 0 ? Runtime.getRuntime().availableProcessors() : ioThreads;
    }
}
