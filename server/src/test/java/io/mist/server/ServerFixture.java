package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.auth.AccessControl;
import io.mist.transport.TransportConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/** A real server on an ephemeral loopback port, for tests. */
final class ServerFixture implements AutoCloseable
{
    final MistServer server;
    final InetSocketAddress address;

    ServerFixture() throws StartupException
    {
        this(EngineConfig.DEFAULT_CLIENT_BUFFER_SIZE, TransportConfig.DEFAULT_MAX_FRAME_SIZE);
    }

    ServerFixture(final int clientBufferSize, final int maxFrameSize) throws StartupException
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0")), LogLevel.INFO,
            new EngineConfig(1024, EngineConfig.DEFAULT_WAIT_STRATEGY, clientBufferSize), new TransportConfig(maxFrameSize, 2));
        server = new MistServer(config).start();
        address = server.firstAddress("tcp");
    }

    /** A server with the given listeners (ports 0) and token gate; {@link #address} is its first tcp listener. */
    ServerFixture(final AccessControl gate, final TransportConfig transport, final String... listeners)
        throws StartupException
    {
        final ServerConfig config = new ServerConfig(java.util.Arrays.stream(listeners).map(ListenerUri::parse)
            .toList(), LogLevel.INFO, new EngineConfig(1024, EngineConfig.DEFAULT_WAIT_STRATEGY,
            EngineConfig.DEFAULT_CLIENT_BUFFER_SIZE), transport);
        server = new MistServer(config, gate).start();
        address = server.firstAddress("tcp");
    }

    ServerFixture(final AccessControl gate, final String... listeners) throws StartupException
    {
        this(gate, new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 2), listeners);
    }

    /** Wraps a started server. */
    ServerFixture(final MistServer started)
    {
        server = started;
        address = server.firstAddress("tcp");
    }

    /** {@code scheme://127.0.0.1:port} of the first listener of that scheme. */
    java.net.URI uri(final String scheme)
    {
        final InetSocketAddress bound = server.firstAddress(scheme);
        return java.net.URI.create(scheme + "://127.0.0.1:" + bound.getPort());
    }

    TestClient connect() throws IOException
    {
        return new TestClient(address);
    }

    @Override
    public void close()
    {
        server.close();
    }
}
