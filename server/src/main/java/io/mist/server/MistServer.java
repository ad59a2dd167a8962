package io.mist.server;

import io.mist.codec.MistJsonWriter;
import io.mist.engine.CpuSet;
import io.mist.engine.Engine;
import io.mist.engine.ring.WaitStrategyKind;
import io.mist.auth.AccessControl;
import io.mist.auth.AuthUrl;
import io.mist.cluster.ClusterNode;
import io.mist.transport.ConnectionInfo;
import io.mist.transport.http.OperatorRoutes;
import io.mist.auth.StoreException;
import io.mist.auth.TokenRegistry;
import io.mist.auth.TokenStore;
import io.mist.auth.TokenStores;
import io.mist.auth.UrlAccessControl;
import io.mist.retention.RetentionStore;
import io.mist.server.metrics.MetricsMaintenance;
import io.mist.server.metrics.ServerMetrics;
import io.mist.transport.EventLoops;
import io.mist.transport.Listener;
import io.mist.transport.Pipelines;
import io.mist.transport.tls.TlsMaterial;
import io.mist.transport.tls.TlsMaterials;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running broker: the engine, the shared IO threads and one listener per configured URI ({@code tcp}, {@code tls},
 * {@code http}, {@code https}, {@code ws}, {@code wss}), all feeding the same ring and matcher. Started and closed by
 * one thread (main, or a test).
 */
public final class MistServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger("mist");
    /**
     * The least time shutdown gives the connections to close once the drain is over, when the drain used up its
     * budget: enough for a WebSocket's close frame to a client that reads.
     */
    private static final long CLOSE_AT_LEAST_MILLIS = 100;

    /** The configuration the server started with; a reload compares against it what needs a restart. */
    private final ServerConfig config;
    /** The log level and format in force (a reload may change them). */
    private LogLevel logLevel;
    private io.mist.server.logging.LogFormat logFormat;
    private final Engine engine;
    private final EventLoops loops;
    private AccessControl access;
    private final List<Listener> listeners = new ArrayList<>();
    /** The HTTP listeners: they keep answering health checks while the server drains. */
    private final List<Listener> answersHealth = new ArrayList<>();
    private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    private final Map<Listener, String> listenerNames = new java.util.concurrent.ConcurrentHashMap<>();
    private final ServerMetrics metrics;
    private MetricsMaintenance maintenance;
    private TlsMaterial tls;
    private volatile boolean accepting;
    private boolean closed;
    /** This node's membership of a cluster; null for a single node. */
    private final ClusterNode cluster;
    /** The messages kept for msgbus listeners and for subscriptions that ask for a replay. */
    private RetentionStore retention;

    public MistServer(final ServerConfig config)
    {
        this(config, AccessControl.OPEN);
    }

    /**
     * @param access decides tokens when the configuration names no authenticator (tests give a stand-in); with an
     *     authenticator the server builds its own from the store at {@link #start()}.
     */
    public MistServer(final ServerConfig config, final AccessControl access)
    {
        this.config = config;
        this.logLevel = config.logLevel();
        this.logFormat = config.logFormat();
        this.access = access;
        this.engine = new Engine(config.engine());
        this.cluster = config.cluster() == null ? null : ClusterNode.prepare(config.cluster(), engine);
        this.loops = new EventLoops(config.transport(), engine);
        this.metrics = new ServerMetrics(engine, this::listenerConnections,
            () -> listenerNames.keySet().stream().mapToLong(Listener::ringBytes).sum(),
            () -> listenerNames.keySet().stream().mapToLong(Listener::pendingWriteBytes).sum(),
            () -> this.access.failedAttempts());
        if (cluster != null)
        {
            metrics.cluster(cluster);
        }
    }

    /**
     * Starts the matcher and binds every listener. A bind failure closes what was started and throws.
     */
    public MistServer start() throws StartupException
    {
        engine.start();
        retention = new RetentionStore(engine, config.retention()).start();
        metrics.retention(retention);
        try
        {
            if (config.authenticator() != null)
            {
                access = openAuthenticator();
            }
            final AccessControl local = access;
            if (config.authUrl() != null)
            {
                final AuthUrl url = new AuthUrl(config.authUrl());
                access = new UrlAccessControl(local, url, config.allowAnonymous());
                metrics.authUrl(url);
            }
            if (cluster != null)
            {
                if (local instanceof TokenRegistry registry)
                {
                    registry.onChange(cluster::tokensChanged);
                    cluster.onTokensChanged(registry::reload);
                    if (!registry.sharedStore())
                    {
                        LOG.warn("Cluster: tokens are not shared between the nodes with {}: each node keeps its " +
                            "own, and admin commands change only the node that runs them; use postgres:// for " +
                            "tokens that every node knows", registry.describeStore());
                    }
                }
                try
                {
                    cluster.start();
                }
                catch (final IOException ex)
                {
                    throw new StartupException("Failed to join the cluster (--cluster " +
                        config.cluster().describe() + ") - " + ex.getMessage());
                }
            }
            for (final ListenerUri uri : config.listeners())
            {
                startListener(uri);
            }
            if (bound.isEmpty())
            {
                throw new StartupException("no listener could be started from " + config.listeners());
            }
            maintenance = new MetricsMaintenance(metrics, engine.metrics(), config.statsInterval());
            accepting = true;
        }
        catch (final StartupException ex)
        {
            close();
            throw ex;
        }
        LOG.info("mist started ({} IO, {} on CPUs {}, matcher on CPUs {}, matcher wait strategy {}, "
            + "ring {}, client buffer {} bytes, JSON scanned {} at a time)", loops.kind(),
            config.transport().ioThreads() == 1 ? "1 IO thread" : config.transport().ioThreads() + " IO threads",
            anyIfNone(config.transport().ioCpus()), anyIfNone(config.engine().matcherCpus()),
            config.engine().waitStrategy(), config.engine().ringSize(), config.engine().clientBufferSize(),
            MistJsonWriter.plainRunLanes() == 1 ? "a byte" : MistJsonWriter.plainRunLanes() + " bytes");
        final CpuSet matcherCpus = config.engine().matcherCpus();
        if (config.engine().waitStrategy() != WaitStrategyKind.BLOCK && !matcherCpus.isEmpty()
            && !config.transport().ioCpus().isEmpty() && matcherCpus.containsAll(config.transport().ioCpus()))
        {
            LOG.warn("The matcher polls ({}) on CPUs {}, and the IO threads are pinned there too: they run only when "
                + "the scheduler preempts it. Give them other CPUs (--io-cpus) or let the matcher block "
                + "(--wait-strategy block)", config.engine().waitStrategy(), matcherCpus);
        }
        if (MistJsonWriter.plainRunLanes() == 1)
        {
            LOG.info("JSON strings are scanned a byte at a time: start java with --add-modules jdk.incubator.vector "
                + "(as the mist launcher does) to scan them a vector at a time");
        }
        return this;
    }

    private void startListener(final ListenerUri uri) throws StartupException
    {
        final String scheme = uri.scheme();
        final Consumer<Channel> pipeline;
        final String label;
        switch (scheme)
        {
            case "tcp":
            case "tls":
                pipeline = Pipelines.tcp(engine, config.transport(), access, retention);
                label = scheme.equals("tcp") ? "TCP" : "TLS";
                break;
            case "http":
            case "https":
                pipeline = Pipelines.http(engine, config.transport(), access, true, new OperatorRoutes(
                    () -> accepting, this::degraded, metrics::prometheus, this::connections), retention);
                label = scheme.toUpperCase(java.util.Locale.ROOT);
                break;
            case "ws":
            case "wss":
                pipeline = Pipelines.http(engine, config.transport(), access, false,
                    OperatorRoutes.readiness(() -> accepting), retention);
                label = scheme.toUpperCase(java.util.Locale.ROOT);
                break;
            case "msgbus":
                pipeline = Pipelines.msgbus(engine, config.transport(), retention, access);
                label = "msgbus";
                break;
            case "isimud":
                if (config.isimudPassword() == null || config.isimudPassword().isEmpty())
                {
                    throw new StartupException("--isimud-password is needed by the isimud:// listener " + uri);
                }
                pipeline = Pipelines.isimud(engine, config.transport(), config.isimudPassword(),
                    config.isimudHomepage(), config.authUrl() == null ? null : access);
                label = "isimud";
                break;
            default:
                LOG.warn("Unsupported scheme '{}' - listener '{}' skipped", scheme, uri);
                return;
        }
        final boolean secure = scheme.equals("tls") || scheme.equals("https") || scheme.equals("wss");
        final Listener listener = new Listener("mist-" + scheme, loops, uri.socketAddress(),
            secure ? tls().context() : null, pipeline, config.transport().socketTuning(),
            config.transport().connectionLimits(), engine.counters(), !scheme.equals("tcp") && !scheme.equals("tls"));
        try
        {
            final InetSocketAddress address = listener.bind();
            listeners.add(listener);
            if (scheme.equals("http") || scheme.equals("https"))
            {
                answersHealth.add(listener);
            }
            bound.put(uri.toString(), address);
            listenerNames.put(listener, uri.scheme() + "://" + format(uri, address));
            LOG.info("{} server listening at '{}'...", label, format(uri, address));
        }
        catch (final Exception ex)
        {
            throw new StartupException("One or more servers failed to start - Failed to start " + scheme +
                " listener at " + uri.host() + ":" + uri.port() + " - " + describe(ex));
        }
    }

    /**
     * Opens the token store and loads its tokens. A store that cannot be reached (a database still starting, say,
     * under compose or systemd ordering) is tried again, with a doubling pause, for {@code --authenticator-retry};
     * each try is logged. A misconfigured one fails at once.
     */
    private AccessControl openAuthenticator() throws StartupException
    {
        final long deadline = System.nanoTime() + config.authenticatorRetry().toNanos();
        long pauseMillis = 500;
        for (int attempt = 1; ; attempt++)
        {
            TokenStore store = null;
            try
            {
                store = TokenStores.open(config.authenticator());
                return new TokenRegistry(store, config.token(), config.allowAnonymous());
            }
            catch (final StoreException ex)
            {
                if (store != null)
                {
                    store.close();
                }
                final long left = deadline - System.nanoTime();
                if (!ex.isUnavailable() || left <= 0)
                {
                    throw new StartupException("Failed to start the authenticator (--authenticator) - " +
                        ex.getMessage() + (ex.isUnavailable() && attempt > 1 ? "; gave up after " + attempt +
                        " tries in " + Durations.format(config.authenticatorRetry()) + " (--authenticator-retry)" :
                        ""));
                }
                final long pause = Math.min(pauseMillis, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left) + 1);
                LOG.warn("Token store unreachable (try {}): {}; trying again in {} (--authenticator-retry {})",
                    attempt, ex.getMessage(), Durations.format(java.time.Duration.ofMillis(pause)),
                    Durations.format(config.authenticatorRetry()));
                try
                {
                    Thread.sleep(pause);
                }
                catch (final InterruptedException interrupted)
                {
                    Thread.currentThread().interrupt();
                    throw new StartupException("Failed to start the authenticator (--authenticator) - interrupted " +
                        "while waiting for the token store");
                }
                pauseMillis = Math.min(pauseMillis * 2, 5000);
            }
        }
    }

    /**
     * Applies what can change while running from {@code next} (a configuration read again on SIGHUP): the log level
     * and format, the request limits, the allowed origins, and the TLS certificate and key (new handshakes use them).
     * Anything else that differs needs a restart and is only named. Returns the one line to log.
     */
    public synchronized String reload(final ServerConfig next)
    {
        final List<String> changed = new ArrayList<>();
        final List<String> restart = new ArrayList<>();
        if (next.logLevel() != logLevel || next.logFormat() != logFormat)
        {
            Logging.configure(next.logLevel(), next.logFormat());
            changed.add("log " + logLevel + "/" + logFormat + " -> " + next.logLevel() + "/" + next.logFormat());
            logLevel = next.logLevel();
            logFormat = next.logFormat();
        }
        final io.mist.engine.RequestLimits limits = next.engine().limits();
        if (!limits.equals(engine.limits().get()))
        {
            try
            {
                engine.limits().set(limits);
                changed.add("limits (--max-tags " + limits.maxTags() + ", --max-tag-length " + limits.maxTagLength() +
                    ", --max-subscriptions " + limits.maxSubscriptions() + ")");
            }
            catch (final IllegalArgumentException ex)
            {
                restart.add("--max-distinct-tags");
            }
        }
        if (!next.transport().allowedOrigins().equals(config.transport().allowedOrigins()))
        {
            config.transport().allowedOrigins(next.transport().allowedOrigins());
            changed.add("--allowed-origins " + (next.transport().allowedOrigins().isEmpty() ? "(any)" :
                String.join(",", next.transport().allowedOrigins())));
        }
        if (next.tlsCertificate() != null && tls != null && !tls.generated())
        {
            try
            {
                final TlsMaterial reloaded = TlsMaterials.fromPem(next.tlsCertificate().toFile(),
                    next.tlsKey().toFile());
                if (!reloaded.fingerprint().equals(tls.fingerprint()))
                {
                    tls = reloaded;
                    for (final Listener listener : listeners)
                    {
                        listener.tls(reloaded.context());
                    }
                    changed.add("TLS certificate (SHA-256 " + reloaded.fingerprint() + ")");
                }
            }
            catch (final IOException ex)
            {
                restart.add("TLS (kept the running certificate: " + ex.getMessage() + ")");
            }
        }
        else if (!java.util.Objects.equals(next.tlsCertificate(), config.tlsCertificate()))
        {
            restart.add("--tls-cert/--tls-key");
        }
        for (final String[] pair : new String[][] {
            {"--listeners", String.valueOf(next.listeners()), String.valueOf(config.listeners())},
            {"--authenticator", String.valueOf(next.authenticator()), String.valueOf(config.authenticator())},
            {"--token", String.valueOf(next.token()), String.valueOf(config.token())},
            {"--allow-anonymous", String.valueOf(next.allowAnonymous()), String.valueOf(config.allowAnonymous())},
            {"--auth-url", String.valueOf(next.authUrl()), String.valueOf(config.authUrl())},
            {"--msgbus-queue-size/--msgbus-ttl/--msgbus-max-bytes/--msgbus-max-topics",
                String.valueOf(next.retention()), String.valueOf(config.retention())},
            {"--ring-size", String.valueOf(next.engine().ringSize()), String.valueOf(config.engine().ringSize())},
            {"--wait-strategy", String.valueOf(next.engine().waitStrategy()),
                String.valueOf(config.engine().waitStrategy())},
            {"--client-buffer-size", String.valueOf(next.engine().clientBufferSize()),
                String.valueOf(config.engine().clientBufferSize())},
            {"--inbound-buffer-size", String.valueOf(next.engine().inboundBufferSize()),
                String.valueOf(config.engine().inboundBufferSize())},
            {"--io-threads", String.valueOf(next.transport().ioThreads()),
                String.valueOf(config.transport().ioThreads())},
            {"--matcher-cpu/--io-cpus", next.engine().matcherCpus() + "/" + next.transport().ioCpus(),
                config.engine().matcherCpus() + "/" + config.transport().ioCpus()},
            {"--max-frame-size", String.valueOf(next.transport().maxFrameSize()),
                String.valueOf(config.transport().maxFrameSize())},
            {"--tcp-nodelay/--socket-send-buffer/--socket-receive-buffer/--write-batch-size/--read-size",
                String.valueOf(next.transport().socketTuning()), String.valueOf(config.transport().socketTuning())},
            {"--stats-interval", String.valueOf(next.statsInterval()), String.valueOf(config.statsInterval())},
            {"--cluster", String.valueOf(next.cluster()), String.valueOf(config.cluster())}})
        {
            if (!pair[1].equals(pair[2]))
            {
                restart.add(pair[0]);
            }
        }
        return changed.isEmpty() && restart.isEmpty() ? "Reloaded the configuration (SIGHUP): nothing changed" :
            "Reloaded the configuration (SIGHUP): " + (changed.isEmpty() ? "nothing applied" : "applied " +
            String.join("; ", changed)) + (restart.isEmpty() ? "" : "; needs a restart to change: " +
            String.join(", ", restart));
    }

    /** Every open client connection of every listener, for {@code /connections}. Any thread; approximate. */
    private List<ConnectionInfo> connections()
    {
        final List<ConnectionInfo> all = new ArrayList<>();
        for (final Map.Entry<Listener, String> listener : listenerNames.entrySet())
        {
            all.addAll(listener.getKey().describeConnections(listener.getValue()));
        }
        return all;
    }

    /** Why this server works only in part, for {@code /health}; null while all is well. */
    private String degraded()
    {
        return cluster != null && !cluster.connected() ? "cluster: NATS is unreachable; messages from and to " +
            "other nodes are lost until it is back" : null;
    }

    /** This node's membership of a cluster; null for a single node. */
    public ClusterNode cluster()
    {
        return cluster;
    }

    /** The server's authentication ({@link AccessControl#OPEN} without an authenticator). */
    public AccessControl access()
    {
        return access;
    }

    /** The TLS identity, loaded or generated on first use (only when a TLS listener is configured). */
    private TlsMaterial tls() throws StartupException
    {
        if (tls != null)
        {
            return tls;
        }
        try
        {
            if (config.tlsCertificate() != null)
            {
                tls = TlsMaterials.fromPem(config.tlsCertificate().toFile(), config.tlsKey().toFile());
                LOG.info("TLS certificate {} ({}), SHA-256 fingerprint {}",
                    config.tlsCertificate(), tls.provider(), tls.fingerprint());
            }
            else
            {
                final Set<String> hosts = new LinkedHashSet<>();
                for (final ListenerUri uri : config.listeners())
                {
                    hosts.add(uri.host());
                }
                tls = TlsMaterials.selfSigned(hosts);
                LOG.info("TLS: no --tls-cert given; generated a self-signed certificate ({}), SHA-256 fingerprint {}",
                    tls.provider(), tls.fingerprint());
            }
            return tls;
        }
        catch (final IOException ex)
        {
            throw new StartupException("One or more servers failed to start - TLS: " + ex.getMessage());
        }
    }

    /** The certificate TLS listeners present; null when none is configured. */
    public TlsMaterial tlsMaterial()
    {
        return tls;
    }

    /** The first bound address of a scheme ({@code tcp}, {@code ws}, ...), or null. */
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

    /** What the server reports about itself ({@code /metrics}, the stats line). */
    public ServerMetrics metrics()
    {
        return metrics;
    }

    /** Open sockets by listener ({@code scheme://host:port}), sorted by name. */
    private Map<String, Integer> listenerConnections()
    {
        final Map<String, Integer> counts = new java.util.TreeMap<>();
        listenerNames.forEach((listener, name) -> counts.put(name, listener.connectionCount()));
        return counts;
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
        accepting = false; // from now on /health/ready answers 503
        for (final Listener listener : listeners)
        {
            if (answersHealth.contains(listener))
            {
                listener.stopClients(); // still answers health checks during the drain
            }
            else
            {
                listener.close();
            }
        }
        if (cluster != null)
        {
            cluster.close();
        }
        // One budget for the whole drain: the matcher finishes its ring, queued messages are written, the connections
        // are closed.
        final long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        engine.close(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        try
        {
            for (final Listener listener : listeners)
            {
                listener.awaitFlushed(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        for (final Listener listener : answersHealth)
        {
            listener.close();
        }
        for (final Listener listener : listeners)
        {
            // Within what is left of the drain's budget: a WebSocket close frame is one more thing to deliver.
            listener.closeConnections(Math.max(CLOSE_AT_LEAST_MILLIS, (deadline - System.nanoTime()) / 1_000_000));
        }
        loops.close();
        if (retention != null)
        {
            retention.close();
        }
        access.close();
        if (maintenance != null)
        {
            maintenance.close();
        }
    }

    /**
     * The address a listener serves, as the operator gave it ({@code 0.0.0.0:1445}, not the dual-stack
     * {@code 0:0:0:0:0:0:0:0:1445} the socket reports), with the port it really bound (for port 0).
     */
    private static String format(final ListenerUri uri, final InetSocketAddress address)
    {
        final String host = uri.host().indexOf(':') >= 0 ? "[" + uri.host() + "]" : uri.host();
        return host + ":" + address.getPort();
    }

    private static String describe(final Throwable ex)
    {
        final String message = ex.getMessage();
        return message == null ? ex.getClass().getSimpleName() : message;
    }

    private static String anyIfNone(final CpuSet cpus)
    {
        return cpus.isEmpty() ? "any" : cpus.toString();
    }
}
