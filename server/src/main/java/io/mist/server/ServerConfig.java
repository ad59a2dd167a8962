package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.engine.outbound.OutboundRing;
import io.mist.server.logging.LogFormat;
import io.mist.transport.TransportConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything the server is started with, validated once with errors that name the option: listeners, log level,
 * engine tuning and transport limits. Immutable; built by the command line.
 */
public final class ServerConfig
{
    /** mist's default listeners. */
    public static final List<String> DEFAULT_LISTENERS =
        List.of("tcp://127.0.0.1:1445", "http://127.0.0.1:8080", "ws://127.0.0.1:8888");

    /** How long a stop may take to deliver what is queued, by default. */
    public static final java.time.Duration DEFAULT_DRAIN_TIMEOUT = java.time.Duration.ofSeconds(10);

    /** How long an unreachable token store is tried again at start, by default. */
    public static final java.time.Duration DEFAULT_AUTHENTICATOR_RETRY = java.time.Duration.ofSeconds(30);

    private final List<ListenerUri> listeners;
    private final LogLevel logLevel;
    private final EngineConfig engine;
    private final TransportConfig transport;
    private final Path tlsCertificate;
    private final Path tlsKey;
    private final String authenticator;
    private final String token;
    private final boolean allowAnonymous;
    private final LogFormat logFormat;
    private final java.time.Duration statsInterval;
    private final java.time.Duration authenticatorRetry;
    private final io.mist.cluster.ClusterOptions cluster;
    private final java.time.Duration drainTimeout;
    private final String isimudPassword;
    private final boolean isimudHomepage;
    private final io.mist.auth.AuthUrlOptions authUrl;
    private final io.mist.retention.RetentionOptions retention;

    public ServerConfig(final List<ListenerUri> listeners, final LogLevel logLevel, final EngineConfig engine,
        final TransportConfig transport)
    {
        this(listeners, logLevel, engine, transport, null, null);
    }

    public ServerConfig(final List<ListenerUri> listeners, final LogLevel logLevel, final EngineConfig engine,
        final TransportConfig transport, final Path tlsCertificate, final Path tlsKey)
    {
        this(listeners, logLevel, engine, transport, tlsCertificate, tlsKey, null, null, false);
    }

    /**
     * @param tlsCertificate PEM certificate chain for TLS listeners, or null (with {@code tlsKey} null) for a
     *     certificate generated at start.
     */
    /**
     * @param authenticator the authenticator URI ({@code memory://}, {@code scribble://?db=DIR},
     *     {@code postgres://...}), or null for an open server.
     * @param token the master token; required with an authenticator.
     * @param allowAnonymous whether connections without a valid token may use the basic commands.
     */
    public ServerConfig(final List<ListenerUri> listeners, final LogLevel logLevel, final EngineConfig engine,
        final TransportConfig transport, final Path tlsCertificate, final Path tlsKey, final String authenticator,
        final String token, final boolean allowAnonymous)
    {
        final boolean auth = authenticator != null && !authenticator.isBlank();
        if (auth && (token == null || token.isEmpty()))
        {
            throw new IllegalArgumentException("An authenticator has been specified but no token provided!");
        }
        if (!auth && allowAnonymous)
        {
            throw new IllegalArgumentException("--allow-anonymous needs --authenticator or --auth-url (without " +
                "either, every connection is anonymous already)");
        }
        if ((tlsCertificate == null) != (tlsKey == null))
        {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both, or neither for a " +
                "self-signed certificate generated at start");
        }
        for (final Path file : new Path[] { tlsCertificate, tlsKey })
        {
            if (file != null && !Files.isReadable(file))
            {
                throw new IllegalArgumentException((file == tlsCertificate ? "--tls-cert" : "--tls-key") + ": cannot read " +
                    file);
            }
        }
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
        this.tlsCertificate = tlsCertificate;
        this.tlsKey = tlsKey;
        this.authenticator = auth ? authenticator.trim() : null;
        this.token = auth ? token : null;
        this.allowAnonymous = allowAnonymous;
        this.logFormat = LogFormat.TEXT;
        this.statsInterval = java.time.Duration.ZERO;
        this.authenticatorRetry = DEFAULT_AUTHENTICATOR_RETRY;
        this.cluster = null;
        this.drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        this.isimudPassword = null;
        this.isimudHomepage = true;
        this.authUrl = null;
        this.retention = io.mist.retention.RetentionOptions.DEFAULTS;
    }

    private ServerConfig(final ServerConfig base, final LogFormat logFormat, final java.time.Duration statsInterval,
        final java.time.Duration authenticatorRetry, final io.mist.cluster.ClusterOptions cluster,
        final java.time.Duration drainTimeout, final String isimudPassword, final boolean isimudHomepage,
        final io.mist.auth.AuthUrlOptions authUrl, final boolean allowAnonymous,
        final io.mist.retention.RetentionOptions retention)
    {
        this.retention = retention;
        if (allowAnonymous && base.authenticator == null && authUrl == null)
        {
            throw new IllegalArgumentException("--allow-anonymous needs --authenticator or --auth-url (without " +
                "either, every connection is anonymous already)");
        }
        this.authUrl = authUrl;
        this.isimudPassword = isimudPassword;
        this.isimudHomepage = isimudHomepage;
        if (drainTimeout.isNegative() || drainTimeout.isZero())
        {
            throw new IllegalArgumentException("--drain-timeout must be more than 0, got " +
                Durations.format(drainTimeout));
        }
        this.drainTimeout = drainTimeout;
        this.cluster = cluster;
        if (authenticatorRetry.isNegative())
        {
            throw new IllegalArgumentException("--authenticator-retry must be 0 (no retry) or more");
        }
        this.authenticatorRetry = authenticatorRetry;
        if (statsInterval.isNegative() || (!statsInterval.isZero() && statsInterval.toMillis() < 1000))
        {
            throw new IllegalArgumentException("--stats-interval must be 0 (off) or at least 1s, got " +
                Durations.format(statsInterval));
        }
        this.statsInterval = statsInterval;
        this.listeners = base.listeners;
        this.logLevel = base.logLevel;
        this.engine = base.engine;
        this.transport = base.transport;
        this.tlsCertificate = base.tlsCertificate;
        this.tlsKey = base.tlsKey;
        this.authenticator = base.authenticator;
        this.token = base.token;
        this.allowAnonymous = allowAnonymous;
        this.logFormat = logFormat;
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

    /** The PEM certificate chain for TLS listeners; null means generate one at start. */
    public Path tlsCertificate()
    {
        return tlsCertificate;
    }

    public Path tlsKey()
    {
        return tlsKey;
    }

    /** The authenticator URI; null when authentication is off. */
    public String authenticator()
    {
        return authenticator;
    }

    /** The master token; null when authentication is off. */
    public String token()
    {
        return token;
    }

    public boolean allowAnonymous()
    {
        return allowAnonymous;
    }

    public LogFormat logFormat()
    {
        return logFormat;
    }

    /** This configuration with log lines in {@code format}. */
    public ServerConfig withLogFormat(final LogFormat format)
    {
        return new ServerConfig(this, format, statsInterval, authenticatorRetry,
            cluster, drainTimeout, isimudPassword, isimudHomepage, authUrl, allowAnonymous, retention);
    }

    /** How often a stats line is logged; zero (the default) for never. */
    public java.time.Duration statsInterval()
    {
        return statsInterval;
    }

    /** This configuration logging a stats line every {@code interval} (zero: never; else at least one second). */
    public ServerConfig withStatsInterval(final java.time.Duration interval)
    {
        return new ServerConfig(this, logFormat, interval, authenticatorRetry,
            cluster, drainTimeout, isimudPassword, isimudHomepage, authUrl, allowAnonymous, retention);
    }

    /** How long an unreachable token store is tried again at start before the server gives up; zero: not at all. */
    public java.time.Duration authenticatorRetry()
    {
        return authenticatorRetry;
    }

    /** The isimud publishers' password; null without an {@code isimud://} listener. */
    public String isimudPassword()
    {
        return isimudPassword;
    }

    /** Whether an {@code isimud://} listener's {@code GET /} redirects to isimud's homepage. */
    public boolean isimudHomepage()
    {
        return isimudHomepage;
    }

    /**
     * This configuration with isimud's password and homepage setting.
     *
     * @throws IllegalArgumentException when an {@code isimud://} listener has no password.
     */
    public ServerConfig withIsimud(final String password, final boolean homepage)
    {
        if (listeners.stream().anyMatch(uri -> uri.scheme().equals("isimud")) && (password == null ||
            password.isEmpty()))
        {
            throw new IllegalArgumentException("--isimud-password is needed by the isimud:// listener (isimud's " +
                "PASSWORD: what publishers send as their HTTP Basic password)");
        }
        return new ServerConfig(this, logFormat, statsInterval, authenticatorRetry, cluster, drainTimeout, password,
            homepage, authUrl, allowAnonymous, retention);
    }

    /** How long a stop may take to deliver what is queued before the server closes anyway. */
    public java.time.Duration drainTimeout()
    {
        return drainTimeout;
    }

    /** This configuration giving a stop {@code timeout} to drain. */
    public ServerConfig withDrainTimeout(final java.time.Duration timeout)
    {
        return new ServerConfig(this, logFormat, statsInterval, authenticatorRetry,
            cluster, timeout, isimudPassword, isimudHomepage, authUrl, allowAnonymous, retention);
    }

    /** The cluster this node joins; null for a single node. */
    public io.mist.cluster.ClusterOptions cluster()
    {
        return cluster;
    }

    /** This configuration joining the cluster {@code options} describe (null: a single node). */
    public ServerConfig withCluster(final io.mist.cluster.ClusterOptions options)
    {
        return new ServerConfig(this, logFormat, statsInterval, authenticatorRetry,
            options, drainTimeout, isimudPassword, isimudHomepage, authUrl, allowAnonymous, retention);
    }

    /** Where tokens nothing on this server knows are decided ({@code --auth-url}); null when they are refused. */
    public io.mist.auth.AuthUrlOptions authUrl()
    {
        return authUrl;
    }

    /**
     * This configuration asking {@code options}' URL about tokens nothing on this server knows (null: none), with
     * {@code allowAnonymous} (which needs an authenticator or an auth URL).
     */
    public ServerConfig withAuthUrl(final io.mist.auth.AuthUrlOptions options, final boolean allowAnonymous)
    {
        return new ServerConfig(this, logFormat, statsInterval, authenticatorRetry, cluster, drainTimeout,
            isimudPassword, isimudHomepage, options, allowAnonymous || this.allowAnonymous, retention);
    }

    /** What msgbus listeners keep ({@code --msgbus-queue-size}, {@code --msgbus-ttl}, …). */
    public io.mist.retention.RetentionOptions retention()
    {
        return retention;
    }

    /** This configuration keeping for msgbus listeners what {@code options} say. */
    public ServerConfig withRetention(final io.mist.retention.RetentionOptions options)
    {
        return new ServerConfig(this, logFormat, statsInterval, authenticatorRetry, cluster, drainTimeout,
            isimudPassword, isimudHomepage, authUrl, allowAnonymous, options);
    }

    /** This configuration trying an unreachable token store again at start for up to {@code retry}. */
    public ServerConfig withAuthenticatorRetry(final java.time.Duration retry)
    {
        return new ServerConfig(this, logFormat, statsInterval, retry,
            cluster, drainTimeout, isimudPassword, isimudHomepage, authUrl, allowAnonymous, retention);
    }
}
