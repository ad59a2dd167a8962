package io.mist.server;

import io.mist.engine.EngineConfig;
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
