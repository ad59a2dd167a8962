package io.mist.server;

import io.mist.engine.Engine;
import io.mist.transport.EventLoops;
import io.mist.transport.tcp.TcpListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running broker: the engine, the shared IO threads and one listener per configured URI. Started and closed by
 * one thread (main, or a test).
 */
public final class MistServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger("mist");
    /** Schemes mist has that this build does not serve yet; they are skipped with a warning. */
    private static final List<String> NOT_YET_BUILT = List.of("http", "https", "ws", "wss", "tls");
    private static final long SHUTDOWN_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ServerConfig config;
    private final Engine engine;
    private final EventLoops loops;
    private final List<TcpListener> listeners = new ArrayList<>();
    private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    private boolean closed;

    public MistServer(final ServerConfig config)
    {
        this.config = config;
        this.engine = new Engine(config.engine());
        this.loops = new EventLoops(config.transport());
    }

    /**
     * Starts the matcher and binds every listener. A bind failure closes what was started and throws.
     */
    public MistServer start() throws StartupException
    {
        engine.start();
        try
        {
            for (final ListenerUri uri : config.listeners())
            {
                startListener(uri);
            }
            if (bound.isEmpty())
            {
                throw new StartupException("no listener could be started from " + config.listeners());
            }
        }
        catch (final StartupException ex)
        {
            close();
            throw ex;
        }
        LOG.info("mist started ({} IO, matcher wait strategy {}, ring {}, client buffer {} bytes)", loops.kind(),
            config.engine().waitStrategy(), config.engine().ringSize(), config.engine().clientBufferSize());
        return this;
    }

    private void startListener(final ListenerUri uri) throws StartupException
    {
        switch (uri.scheme())
        {
            case "tcp":
                final TcpListener listener = new TcpListener(engine, config.transport(), loops, uri.socketAddress());
                try
                {
                    final InetSocketAddress address = listener.bind();
                    listeners.add(listener);
                    bound.put(uri.toString(), address);
                    LOG.info("TCP server listening at '{}'...", format(address));
                }
                catch (final Exception ex)
                {
                    throw new StartupException("One or more servers failed to start - Failed to start tcp listener at " +
                        uri.host() + ":" + uri.port() + " - " + describe(ex));
                }
                break;
            default:
                if (NOT_YET_BUILT.contains(uri.scheme()))
                {
                    LOG.warn("Listener '{}' skipped: the {} listener is not built yet", uri, uri.scheme());
                }
                else
                {
                    LOG.warn("Unsupported scheme '{}' - listener '{}' skipped", uri.scheme(), uri);
                }
        }
    }

    /** The first bound address of a scheme ({@code tcp}), or null. */
    public InetSocketAddress firstAddress(final String scheme)
    {
        for (final Map.Entry<String, InetSocketAddress> entry : bound.entrySet())
        {
            if (entry.getKey().startsWith(scheme + "://"))
            {
                return entry.getValue();
            }
        }
        return null;
    }

    public Engine engine()
    {
        return engine;
    }

    /**
     * Stops accepting and reading, lets the matcher finish what is in its ring, gives the IO threads up to two
     * seconds to write what is queued, then stops them.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final TcpListener listener : listeners)
        {
            listener.close();
        }
        engine.close();
        final long deadline = System.nanoTime() + SHUTDOWN_FLUSH_NANOS;
        try
        {
            for (final TcpListener listener : listeners)
            {
                listener.awaitFlushed(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        loops.close();
    }

    private static String format(final InetSocketAddress address)
    {
        return address.getHostString() + ":" + address.getPort();
    }

    private static String describe(final Throwable ex)
    {
        final String message = ex.getMessage();
        return message == null ? ex.getClass().getSimpleName() : message;
    }
}
