package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.engine.outbound.OutboundRing;
import io.mist.transport.TransportConfig;

import java.util.List;

/**
 * Everything the server is started with, validated once with errors that name the option: listeners, log level,
 * engine tuning and transport limits. Immutable; built by the command line.
 */
public final class ServerConfig
{
    /** mist's default listeners. */
    public static final List<String> DEFAULT_LISTENERS = List.of("tcp://127.0.0.1:1445", "ws://127.0.0.1:8888");

    private final List<ListenerUri> listeners;
    private final LogLevel logLevel;
    private final EngineConfig engine;
    private final TransportConfig transport;

    public ServerConfig(final List<ListenerUri> listeners, final LogLevel logLevel, final EngineConfig engine,
        final TransportConfig transport)
    {
        if (listeners.isEmpty())
        {
            throw new IllegalArgumentException("--listeners: at least one listener is needed");
        }
        final int largestDelivery = OutboundRing.largestFrame(engine.clientBufferSize());
        if (transport.maxFrameSize() > largestDelivery)
        {
            throw new IllegalArgumentException("--max-frame-size (" + transport.maxFrameSize() +
                ") must be at most half of --client-buffer-size (" + engine.clientBufferSize() +
                "), or a full-size message could never be delivered");
        }
        this.listeners = List.copyOf(listeners);
        this.logLevel = logLevel;
        this.engine = engine;
        this.transport = transport;
    }

    /** The defaults with the given listeners; for tests and embedding. */
    public static ServerConfig withListeners(final String... listeners)
    {
        return new ServerConfig(java.util.Arrays.stream(listeners).map(ListenerUri::parse).toList(), LogLevel.INFO,
            EngineConfig.defaults(), TransportConfig.defaults());
    }

    public List<ListenerUri> listeners()
    {
        return listeners;
    }

    public LogLevel logLevel()
    {
        return logLevel;
    }

    public EngineConfig engine()
    {
        return engine;
    }

    public TransportConfig transport()
    {
        return transport;
    }
}
