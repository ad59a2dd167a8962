package io.mist.engine;

import io.mist.engine.ring.WaitStrategyKind;

/**
 * The engine's tuning, validated once: inbound ring size and payload budget, the matcher's wait strategy and CPU, each
 * client's outbound ring capacity, and whether latency histograms are recorded. Immutable.
 */
public final class EngineConfig
{
    /**
     * 4,096 slots: the ring's events (about 450 bytes each with their payload arrays) then stay near the cores'
     * caches; with 16,384 the matcher and the IO threads walked 7 MB of them. 1,024 filled under fan-in (11,091
     * full-ring pauses in one run) and measured slower than either (perf-results, thirteenth session).
     */
    public static final int DEFAULT_RING_SIZE = 4 * 1024;
    public static final int DEFAULT_CLIENT_BUFFER_SIZE = 4 * 1024 * 1024;
    public static final WaitStrategyKind DEFAULT_WAIT_STRATEGY = WaitStrategyKind.BLOCK;
    public static final int DEFAULT_INBOUND_BUFFER_SIZE = 64 * 1024 * 1024;
    private static final int MIN_INBOUND_BUFFER_SIZE = 1024 * 1024;

    private final int ringSize;
    private final WaitStrategyKind waitStrategy;
    private final int clientBufferSize;
    private final boolean latencyHistograms;
    private final CpuSet matcherCpus;
    private final boolean producersOnMatcherCpu;
    private final RequestLimits limits;
    private final int inboundBufferSize;

    public EngineConfig(final int ringSize, final WaitStrategyKind waitStrategy, final int clientBufferSize)
    {
        this(ringSize, waitStrategy, clientBufferSize, true, CpuSet.NONE, false, RequestLimits.DEFAULTS,
            DEFAULT_INBOUND_BUFFER_SIZE);
    }

    private EngineConfig(final int ringSize, final WaitStrategyKind waitStrategy, final int clientBufferSize,
        final boolean latencyHistograms, final CpuSet matcherCpus, final boolean producersOnMatcherCpu,
        final RequestLimits limits, final int inboundBufferSize)
    {
        this.limits = limits;
        requirePowerOfTwo("--ring-size", ringSize, 64, 1 << 24);
        requirePowerOfTwo("--client-buffer-size", clientBufferSize, 4096, 1 << 30);
        if (inboundBufferSize < MIN_INBOUND_BUFFER_SIZE)
        {
            throw new IllegalArgumentException("--inbound-buffer-size must be at least " + MIN_INBOUND_BUFFER_SIZE +
                " bytes (1m), got " + inboundBufferSize);
        }
        this.inboundBufferSize = inboundBufferSize;
        this.ringSize = ringSize;
        this.waitStrategy = waitStrategy;
        this.clientBufferSize = clientBufferSize;
        this.latencyHistograms = latencyHistograms;
        this.matcherCpus = matcherCpus;
        this.producersOnMatcherCpu = producersOnMatcherCpu;
    }

    /** This configuration with latency histograms recorded (the default) or not. */
    public EngineConfig withLatencyHistograms(final boolean enabled)
    {
        return new EngineConfig(ringSize, waitStrategy, clientBufferSize, enabled, matcherCpus, producersOnMatcherCpu,
            limits, inboundBufferSize);
    }

    /**
     * This configuration with the matcher thread pinned to {@code cpus} ({@link CpuSet#NONE}, the default: not), and
     * whether every IO thread is pinned to that same one CPU: then the matcher does not spin after work before it
     * parks, since no IO thread can publish while it spins.
     */
    public EngineConfig withMatcherCpus(final CpuSet cpus, final boolean ioThreadsOnTheSameCpu)
    {
        return new EngineConfig(ringSize, waitStrategy, clientBufferSize, latencyHistograms, cpus,
            ioThreadsOnTheSameCpu, limits, inboundBufferSize);
    }

    /** This configuration with {@code limits} on requests. */
    public EngineConfig withLimits(final RequestLimits requestLimits)
    {
        return new EngineConfig(ringSize, waitStrategy, clientBufferSize, latencyHistograms, matcherCpus,
            producersOnMatcherCpu, requestLimits, inboundBufferSize);
    }

    /**
     * This configuration with at most {@code bytes} in requests of 4 KiB or more on their way to the matcher
     * ({@code --inbound-buffer-size}); beyond it, producers are told the ring is full.
     */
    public EngineConfig withInboundBufferSize(final int bytes)
    {
        return new EngineConfig(ringSize, waitStrategy, clientBufferSize, latencyHistograms, matcherCpus,
            producersOnMatcherCpu, limits, bytes);
    }

    /** Limits on tags and subscriptions. */
    public RequestLimits limits()
    {
        return limits;
    }

    /** Whether the data path records its latency histograms ({@link io.mist.engine.metrics.EngineMetrics}). */
    public boolean latencyHistograms()
    {
        return latencyHistograms;
    }

    /** The CPUs the matcher thread is pinned to; {@link CpuSet#NONE} if it is not. */
    public CpuSet matcherCpus()
    {
        return matcherCpus;
    }

    /** Whether the matcher spins briefly after work before it parks: not when the IO threads share its one CPU. */
    public boolean matcherSpins()
    {
        return !producersOnMatcherCpu;
    }

    /** Whether every IO thread is pinned to the matcher's one CPU ({@link #withMatcherCpus}). */
    public boolean ioThreadsOnMatcherCpu()
    {
        return producersOnMatcherCpu;
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

    /** The most bytes that requests of 4 KiB or more may hold on their way to the matcher. */
    public int inboundBufferSize()
    {
        return inboundBufferSize;
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
