package io.mist.engine;

import io.mist.engine.ring.WaitStrategyKind;

/**
 * The engine's tuning, validated once: inbound ring size, the matcher's wait strategy and each client's outbound
 * ring capacity. Immutable.
 */
public final class EngineConfig
{
    public static final int DEFAULT_RING_SIZE = 16 * 1024;
    public static final int DEFAULT_CLIENT_BUFFER_SIZE = 1024 * 1024;
    public static final WaitStrategyKind DEFAULT_WAIT_STRATEGY = WaitStrategyKind.BLOCK;

    private final int ringSize;
    private final WaitStrategyKind waitStrategy;
    private final int clientBufferSize;

    public EngineConfig(final int ringSize, final WaitStrategyKind waitStrategy, final int clientBufferSize)
    {
        requirePowerOfTwo("--ring-size", ringSize, 64, 1 << 24);
        requirePowerOfTwo("--client-buffer-size", clientBufferSize, 4096, 1 << 30);
        this.ringSize = ringSize;
        this.waitStrategy = waitStrategy;
        this.clientBufferSize = clientBufferSize;
    }

    public static EngineConfig defaults()
    {
        return new EngineConfig(DEFAULT_RING_SIZE, DEFAULT_WAIT_STRATEGY, DEFAULT_CLIENT_BUFFER_SIZE);
    }

    public int ringSize()
    {
        return ringSize;
    }

    public WaitStrategyKind waitStrategy()
    {
        return waitStrategy;
    }

    public int clientBufferSize()
    {
        return clientBufferSize;
    }

    private static void requirePowerOfTwo(final String option, final int value, final int min, final int max)
    {
        if (value < min || value > max || Integer.bitCount(value) != 1)
        {
            throw new IllegalArgumentException(
                option + " must be a power of two between " + min + " and " + max + ", got " + value);
        }
    }
}
