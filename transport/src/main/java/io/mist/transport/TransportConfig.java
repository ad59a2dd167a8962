package io.mist.transport;

import io.mist.engine.CpuSet;

import java.util.List;

/**
 * Limits and tuning shared by every listener: the maximum frame size (TCP frames and lines, WebSocket messages, HTTP
 * bodies), the number of IO threads and the WebSocket origins allowed. Immutable, validated once.
 */
public final class TransportConfig
{
    public static final int DEFAULT_MAX_FRAME_SIZE = 256 * 1024;

    private final int maxFrameSize;
    private final int ioThreads;
    /** The origins in force: shared by this configuration's copies, so a reload reaches every listener. */
    private final java.util.concurrent.atomic.AtomicReference<List<String>> allowedOrigins;
    private final SocketTuning socket;
    private final ConnectionLimits connectionLimits;
    private final CpuSet ioCpus;

    /**
     * @param maxFrameSize the largest request frame in bytes; larger frames are refused with an error reply.
     * @param ioThreads IO threads; 0 means one per core but the matcher's (see {@link #ioThreads()}).
     */
    public TransportConfig(final int maxFrameSize, final int ioThreads)
    {
        this(maxFrameSize, ioThreads, List.of());
    }

    /**
     * @param allowedOrigins the {@code Origin}s a WebSocket upgrade may come from (scheme://host[:port], compared
     *     ignoring case); empty allows any, as mist. A request without an {@code Origin} (not a browser) is allowed.
     */
    public TransportConfig(final int maxFrameSize, final int ioThreads, final List<String> allowedOrigins)
    {
        if (maxFrameSize < 64)
        {
            throw new IllegalArgumentException("--max-frame-size must be at least 64 bytes, got " + maxFrameSize);
        }
        if (ioThreads < 0)
        {
            throw new IllegalArgumentException("--io-threads must be 0 (automatic) or more, got " + ioThreads);
        }
        this.maxFrameSize = maxFrameSize;
        this.ioThreads = ioThreads;
        this.allowedOrigins = new java.util.concurrent.atomic.AtomicReference<>(checkedOrigins(allowedOrigins));
        this.socket = SocketTuning.DEFAULTS;
        this.connectionLimits = ConnectionLimits.DEFAULTS;
        this.ioCpus = CpuSet.NONE;
    }

    private TransportConfig(final TransportConfig base, final SocketTuning socket,
        final ConnectionLimits connectionLimits, final CpuSet ioCpus)
    {
        this.maxFrameSize = base.maxFrameSize;
        this.ioThreads = base.ioThreads;
        this.allowedOrigins = base.allowedOrigins;
        this.socket = socket;
        this.connectionLimits = connectionLimits;
        this.ioCpus = ioCpus;
    }

    /** This configuration with {@code tuning} for accepted sockets and their writes. */
    public TransportConfig withSocketTuning(final SocketTuning tuning)
    {
        return new TransportConfig(this, tuning, connectionLimits, ioCpus);
    }

    /** This configuration with {@code limits} on each listener's connections. */
    public TransportConfig withConnectionLimits(final ConnectionLimits limits)
    {
        return new TransportConfig(this, socket, limits, ioCpus);
    }

    /** This configuration with the connection IO threads pinned to {@code cpus} ({@link CpuSet#NONE}: not). */
    public TransportConfig withIoCpus(final CpuSet cpus)
    {
        return new TransportConfig(this, socket, connectionLimits, cpus);
    }

    /** The CPUs the connection IO threads are pinned to; {@link CpuSet#NONE} if they are not. */
    public CpuSet ioCpus()
    {
        return ioCpus;
    }

    /** Limits on each listener's connections. */
    public ConnectionLimits connectionLimits()
    {
        return connectionLimits;
    }

    /** Socket options and write batching of accepted connections. */
    public SocketTuning socketTuning()
    {
        return socket;
    }

    public static TransportConfig defaults()
    {
        return new TransportConfig(DEFAULT_MAX_FRAME_SIZE, 0);
    }

    public int maxFrameSize()
    {
        return maxFrameSize;
    }

    private static List<String> checkedOrigins(final List<String> origins)
    {
        for (final String origin : origins)
        {
            if (!origin.matches("(?i)https?://[^/?#\\s]+"))
            {
                throw new IllegalArgumentException("--allowed-origins: '" + origin +
                    "' is not an origin; expected scheme://host[:port], e.g. https://example.com");
            }
        }
        return List.copyOf(origins);
    }

    /** Empty: any origin. */
    public List<String> allowedOrigins()
    {
        return allowedOrigins.get();
    }

    /** Replaces the allowed origins for every listener of this configuration, from the next request on (a reload). */
    public void allowedOrigins(final List<String> origins)
    {
        allowedOrigins.set(checkedOrigins(origins));
    }

    /** Whether a WebSocket upgrade from {@code origin} (null when the request had none) is allowed. */
    public boolean allowsOrigin(final String origin)
    {
        final List<String> allowed = allowedOrigins.get();
        if (origin == null || allowed.isEmpty())
        {
            return true;
        }
        for (final String each : allowed)
        {
            if (each.equalsIgnoreCase(origin))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The IO threads to start: as asked, or for 0 one per core but the one the matcher keeps busy (at least one). On
     * two cores one IO thread measured cheaper per message and faster than two, for every scenario of the harness.
     */
    public int ioThreads()
    {
        return ioThreads == 0 ? Math.max(1, Runtime.getRuntime().availableProcessors() - 1) : ioThreads;
    }
}
