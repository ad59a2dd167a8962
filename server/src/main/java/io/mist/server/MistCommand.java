package io.mist.server;

import io.mist.engine.CpuSet;
import io.mist.engine.EngineConfig;
import io.mist.engine.RequestLimits;
import io.mist.engine.ring.WaitStrategyKind;
import io.mist.transport.ConnectionLimits;
import io.mist.transport.SocketTuning;
import io.mist.transport.TransportConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code mist} command line: {@code mist --server [flags]} runs the broker; without {@code --server} it prints
 * its help, as mist does. Runs on the main thread.
 */
@Command(name = "mist", sortOptions = false, versionProvider = MistCommand.Version.class,
    description = "A low-latency, tag-based pub/sub broker, wire-compatible with nanopack/mist.",
    footer = {"%nExamples:", "  mist --server --listeners tcp://127.0.0.1:1445",
        "  mist publish --tags hello --data world", "  mist subscribe --tags hello",
        "%nExit codes of the server: 0 stopped normally or help shown; 1 could not start",
        "  (e.g. a port is taken); 2 bad flags; 143 stopped by SIGTERM.",
        "Exit codes of the client commands: 0 done; 1 the server refused;",
        "  2 bad arguments; 3 server unreachable or connection lost; 4 no reply in time."})
public final class MistCommand implements Callable<Integer>
{
    @Option(names = "--server", description = "Run the server.")
    boolean server;

    @Option(names = "--listeners", split = ",", paramLabel = "URI",
        description = "Listeners to start, comma-separated or repeated; replaces the default list. " +
            "Schemes: tcp, tls, http, https, ws, wss, isimud, msgbus. Default: ${DEFAULT-VALUE}.",
        defaultValue = "tcp://127.0.0.1:1445,http://127.0.0.1:8080,ws://127.0.0.1:8888")
    List<String> listeners = new ArrayList<>();

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
        description = "TRACE, DEBUG, INFO, WARN, ERROR or FATAL. Default: ${DEFAULT-VALUE}.")
    String logLevel;

    @Option(names = "--authenticator", paramLabel = "URI",
        description = {"Turns authentication on (needs --token), with tokens in one of:", "  memory://",
            "  scribble://?db=DIR", "  postgres://user[:password]@host:port?db=NAME"})
    String authenticator;

    @Option(names = "--authenticator-retry", paramLabel = "DURATION", defaultValue = "30s",
        description = "How long to keep trying a token store that cannot be reached at start (a database that is " +
            "still starting), then exit 1; 0 gives up at once. Default: ${DEFAULT-VALUE}.")
    String authenticatorRetry;

    @Option(names = "--token", paramLabel = "TOKEN",
        description = "The master token: opens a connection in admin mode (with --authenticator).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "Reads the master token from FILE (its final line break dropped), which keeps it out of ps; " +
            "instead of --token.")
    java.nio.file.Path tokenFile;

    @Option(names = "--allow-anonymous",
        description = "With --authenticator or --auth-url: connections without a valid token may still use the " +
            "basic commands.")
    boolean allowAnonymous;

    @Option(names = "--auth-url", paramLabel = "URL",
        description = {"Lets your web app decide tokens this server does not know, on every listener (and isimud's " +
            "AUTH_URL on /sub): GET URL with Authorization: Bearer TOKEN; 2xx allows, a JSON body {\"tags\":[...]} " +
            "restricts to those tags, anything else refuses."})
    String authUrl;

    @Option(names = "--auth-url-cache", paramLabel = "DURATION", defaultValue = "10s",
        description = "How long the auth URL's answers are kept per token; 0 asks every time. Default: " +
            "${DEFAULT-VALUE}.")
    String authUrlCache;

    @Option(names = "--auth-url-timeout", paramLabel = "DURATION", defaultValue = "5s",
        description = "How long the auth URL may take to answer before the token is refused. Default: " +
            "${DEFAULT-VALUE}.")
    String authUrlTimeout;

    @Option(names = "--max-frame-size", paramLabel = "BYTES", defaultValue = "256k",
        description = "Largest request: TCP frame or line, WebSocket message, HTTP body (e.g. 65536, 256k, 1m); " +
            "larger ones get an error reply. Default: ${DEFAULT-VALUE}.")
    String maxFrameSize;

    @Option(names = "--tls-cert", paramLabel = "PEM",
        description = "Certificate chain (PEM) for tls://, https:// and wss:// listeners. Without it (and " +
            "--tls-key) a self-signed certificate is generated at start and its fingerprint logged.")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PEM, PKCS#8 or PKCS#1) of --tls-cert.")
    java.nio.file.Path tlsKey;

    @Option(names = "--allowed-origins", split = ",", paramLabel = "ORIGIN",
        description = "Origins (scheme://host[:port]) a browser may open WebSockets from, comma-separated. " +
            "Default: any, as mist.")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--client-buffer-size", paramLabel = "BYTES", defaultValue = "4m",
        description = "Each client's outbound ring (power of two); when full, new messages for that client are " +
            "dropped and counted. Default: ${DEFAULT-VALUE}.")
    String clientBufferSize;

    @Option(names = "--inbound-buffer-size", paramLabel = "BYTES", defaultValue = "64m",
        description = "Most bytes that requests of 4 KiB or more may hold on their way to the matcher; beyond it, " +
            "connections with more to send stop reading until the matcher has caught up, which bounds the heap " +
            "under a flood of large messages. The one copy of such a message kept for all its subscribers counts " +
            "against it too (beyond it, messages are copied per subscriber). Default: ${DEFAULT-VALUE}.")
    String inboundBufferSize;

    @Option(names = "--ring-size", paramLabel = "EVENTS", defaultValue = "4096",
        description = "Slots in the inbound ring between IO threads and the matcher (power of two). Default: ${DEFAULT-VALUE}.")
    int ringSize;

    @Option(names = "--wait-strategy", paramLabel = "KIND", defaultValue = "block",
        description = "How the matcher waits for work: busy-spin, yield, sleep or block. Default: ${DEFAULT-VALUE}.")
    String waitStrategy;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "0",
        description = "Connection IO threads; 0 means one per core but the matcher's (at least one). " +
            "Default: ${DEFAULT-VALUE}.")
    int ioThreads;

    @Option(names = "--max-tags", paramLabel = "N", defaultValue = "10000",
        description = "Most tags in one publish, subscribe or unsubscribe; more get an error reply. " +
            "Default: ${DEFAULT-VALUE}.")
    int maxTags;

    @Option(names = "--max-tag-length", paramLabel = "BYTES", defaultValue = "1k",
        description = "Longest tag (UTF-8 bytes); longer ones get an error reply. Default: ${DEFAULT-VALUE}.")
    String maxTagLength;

    @Option(names = "--max-subscriptions", paramLabel = "N", defaultValue = "10000",
        description = "Most subscriptions one client may hold; more get an error reply. Default: ${DEFAULT-VALUE}.")
    int maxSubscriptions;

    @Option(names = "--max-distinct-tags", paramLabel = "N", defaultValue = "1000000",
        description = "Most distinct tags the server learns from subscriptions in its lifetime (a tag's id is never " +
            "freed); a subscription with a new tag beyond it gets an error reply. Default: ${DEFAULT-VALUE}.")
    int maxDistinctTags;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "100000",
        description = "Most open connections per listener; 0 no limit. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--max-connections-per-ip", paramLabel = "N", defaultValue = "0",
        description = "Most open connections per listener from one IP address; 0 no limit. Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerIp;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "10s",
        description = "Time a new connection has to finish its TLS handshake, send its first HTTP request, or (with " +
            "--authenticator) send its token message over TCP; 0 no limit. Default: ${DEFAULT-VALUE}.")
    String handshakeTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "0",
        description = "Close connections that send nothing for this long; 0 never (mist subscribers may be silent " +
            "for good). Default: ${DEFAULT-VALUE}.")
    String idleTimeout;

    @Option(names = "--matcher-cpu", paramLabel = "CPUS", defaultValue = "auto",
        description = "Pin the matcher thread to these CPUs (Linux, with taskset; a list such as 1, 2-3 or 1,3); " +
            "none leaves it to the scheduler; auto: on a process that may use exactly two CPUs, the matcher and the " +
            "IO threads share the last of them (a hand-off between them is then cheaper), unless the matcher polls " +
            "(--wait-strategy other than block); elsewhere none. " +
            "Default: ${DEFAULT-VALUE}.")
    String matcherCpu;

    @Option(names = "--io-cpus", paramLabel = "CPUS", defaultValue = "auto",
        description = "Pin the connection IO threads to these CPUs, as --matcher-cpu (a list, none or auto). " +
            "Default: ${DEFAULT-VALUE}.")
    String ioCpus;

    @Option(names = "--tcp-nodelay", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Send small writes at once (TCP_NODELAY); --no-tcp-nodelay lets Nagle coalesce them. " +
            "Default: on.")
    boolean tcpNoDelay;

    @Option(names = "--socket-send-buffer", paramLabel = "BYTES", defaultValue = "0",
        description = "SO_SNDBUF of client sockets; 0 keeps the OS default and its auto-tuning. Default: ${DEFAULT-VALUE}.")
    String socketSendBuffer;

    @Option(names = "--socket-receive-buffer", paramLabel = "BYTES", defaultValue = "0",
        description = "SO_RCVBUF of client sockets; 0 keeps the OS default and its auto-tuning. " +
            "Default: ${DEFAULT-VALUE}.")
    String socketReceiveBuffer;

    @Option(names = "--write-batch-size", paramLabel = "BYTES", defaultValue = "64k",
        description = "Bytes gathered per socket write when draining a client's ring (flushed once per drain of up " +
            "to 16 writes). Default: ${DEFAULT-VALUE}.")
    String writeBatchSize;

    @Option(names = "--read-size", paramLabel = "BYTES", defaultValue = "256k",
        description = "Most bytes one read from a client socket takes (reads grow to it while they fill up). " +
            "Default: ${DEFAULT-VALUE}.")
    String readSize;

    @Option(names = "--latency-histograms", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Record the data path's latency histograms (/metrics, stats line); --no-latency-histograms " +
            "saves reading the clock per message. Default: on.")
    boolean latencyHistograms;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "10s",
        description = "On SIGTERM or SIGINT: how long to deliver what is queued before closing anyway (the process " +
            "then exits with 143 or 130). Default: ${DEFAULT-VALUE}.")
    String drainTimeout;

    @Option(names = "--stats-interval", paramLabel = "DURATION", defaultValue = "0",
        description = "Log a stats line (counters, rates, latency percentiles) this often, e.g. 10s or 1m; " +
            "0 never. Default: ${DEFAULT-VALUE}.")
    String statsInterval;

    @Option(names = "--cluster", split = ",", paramLabel = "URL",
        description = "Join a cluster of mist nodes through these NATS servers (nats://HOST:PORT or tls://HOST:PORT, " +
            "user:password@ or token@ in the URL if NATS wants them). Without it: a single node.")
    List<String> cluster = new ArrayList<>();

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "mist",
        description = "Which cluster to join, when several share one NATS. Default: ${DEFAULT-VALUE}.")
    String clusterName;

    @Option(names = "--cluster-credentials", paramLabel = "FILE",
        description = "A NATS credentials file (.creds) for --cluster.")
    java.nio.file.Path clusterCredentials;

    @Option(names = "--cluster-tls-ca", paramLabel = "PEM",
        description = "For tls:// --cluster servers: trust the certificates in this PEM file (a CA, or NATS's own " +
            "certificate) instead of the JVM's.")
    java.nio.file.Path clusterTlsCa;

    @Option(names = "--msgbus-queue-size", paramLabel = "N", defaultValue = "1000",
        description = "For a msgbus:// listener: the most messages kept per topic; a full topic drops its oldest. " +
            "Default: ${DEFAULT-VALUE}.")
    int msgbusQueueSize;

    @Option(names = "--msgbus-ttl", paramLabel = "DURATION", defaultValue = "60s",
        description = "For a msgbus:// listener: how long a message is kept. Default: ${DEFAULT-VALUE}.")
    String msgbusTtl;

    @Option(names = "--msgbus-max-bytes", paramLabel = "BYTES", defaultValue = "64m",
        description = "For a msgbus:// listener: the most bytes of messages kept over all topics; beyond it the " +
            "oldest go first. Default: ${DEFAULT-VALUE}.")
    String msgbusMaxBytes;

    @Option(names = "--msgbus-max-topics", paramLabel = "N", defaultValue = "10000",
        description = "For a msgbus:// listener: the most topics; a request for one more is answered 507. " +
            "Default: ${DEFAULT-VALUE}.")
    int msgbusMaxTopics;

    @Option(names = "--isimud-password", paramLabel = "PASSWORD",
        description = "For an isimud:// listener: the password isimud's publishers send with HTTP Basic auth " +
            "(isimud's PASSWORD; MIST_ISIMUD_PASSWORD keeps it out of ps).")
    String isimudPassword;

    @Option(names = "--isimud-homepage", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "For an isimud:// listener: GET / redirects to isimud's homepage, as isimud's HOMEPAGE; " +
            "--no-isimud-homepage answers 404. Default: on.")
    boolean isimudHomepage;

    @Option(names = "--config", paramLabel = "FILE",
        description = "YAML (.yaml, .yml) or JSON (.json) file whose keys are these flags without dashes " +
            "(listeners, log-level, ...); a flag given here wins over the file.")
    java.nio.file.Path config;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text (mist's lines) or json (one object per line, for log shippers). Default: ${DEFAULT-VALUE}.")
    String logFormat;

    @Option(names = {"-v", "-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean versionRequested;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean helpRequested;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        if (!server)
        {
            final List<String> given = new ArrayList<>();
            for (final CommandLine.Model.OptionSpec option : spec.commandLine().getParseResult().matchedOptions())
            {
                if (!option.longestName().equals("--config"))
                {
                    given.add(option.longestName());
                }
            }
            if (!given.isEmpty())
            {
                throw new CommandLine.ParameterException(spec.commandLine(), String.join(", ", given) +
                    (given.size() == 1 ? " is a server flag" : " are server flags") +
                    ": add --server to run the server (without it, mist only prints its help)");
            }
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
        final ServerConfig config = toConfig();
        Logging.configure(config.logLevel(), config.logFormat());
        return runServer(config, spec.commandLine().getErr(), spec.commandLine().getParseResult().originalArgs());
    }

    ServerConfig toConfig()
    {
        try
        {
            final List<ListenerUri> uris = new ArrayList<>();
            for (final String listener : listeners)
            {
                if (!listener.isBlank())
                {
                    uris.add(named("--listeners", () -> ListenerUri.parse(listener)));
                }
            }
            final WaitStrategyKind waitKind = named("--wait-strategy", () -> WaitStrategyKind.parse(waitStrategy));
            final CpuSet allowedCpus = CpuSet.allowed();
            // auto: the data path on one CPU of two for a matcher that parks; a polling one is left unpinned (given a
            // CPU of its own, it pushed the IO thread onto the other beside the clients: fan-in halved)
            final CpuSet auto = waitKind == WaitStrategyKind.BLOCK ? CpuSet.lastOfTwo(allowedCpus) : CpuSet.NONE;
            final CpuSet matcherCpus = CpuSet.parse("--matcher-cpu", matcherCpu, allowedCpus, auto);
            final CpuSet ioCpuSet = CpuSet.parse("--io-cpus", ioCpus, allowedCpus, auto);
            final EngineConfig engine = new EngineConfig(ringSize, waitKind,
                ByteSize.parse("--client-buffer-size", clientBufferSize))
                .withLatencyHistograms(latencyHistograms)
                .withMatcherCpus(matcherCpus, matcherCpus.size() == 1 && matcherCpus.equals(ioCpuSet))
                .withInboundBufferSize(ByteSize.parse("--inbound-buffer-size", inboundBufferSize))
                .withLimits(new RequestLimits(maxTags, ByteSize.parse("--max-tag-length", maxTagLength),
                    maxSubscriptions, maxDistinctTags));
            final TransportConfig transport =
                new TransportConfig(ByteSize.parse("--max-frame-size", maxFrameSize), ioThreads, allowedOrigins)
                    .withSocketTuning(new SocketTuning(tcpNoDelay,
                        ByteSize.parseOrZero("--socket-send-buffer", socketSendBuffer),
                        ByteSize.parseOrZero("--socket-receive-buffer", socketReceiveBuffer),
                        ByteSize.parse("--write-batch-size", writeBatchSize),
                        ByteSize.parse("--read-size", readSize)))
                    .withConnectionLimits(new ConnectionLimits(maxConnections, maxConnectionsPerIp,
                        Durations.parse("--handshake-timeout", handshakeTimeout),
                        Durations.parse("--idle-timeout", idleTimeout)))
                    .withIoCpus(ioCpuSet);
            return new ServerConfig(uris, named("--log-level", () -> LogLevel.parse(logLevel)), engine, transport,
                tlsCert, tlsKey, authenticator, TokenSource.of(token, given("--token"), tokenFile,
                    given("--token-file")), allowAnonymous && authenticator != null && !authenticator.isBlank())
                .withLogFormat(named("--log-format", () -> io.mist.server.logging.LogFormat.parse(logFormat)))
                .withStatsInterval(Durations.parse("--stats-interval", statsInterval))
                .withAuthenticatorRetry(Durations.parse("--authenticator-retry", authenticatorRetry))
                .withCluster(clusterOptions())
                .withDrainTimeout(Durations.parse("--drain-timeout", drainTimeout))
                .withIsimud(isimudPassword, isimudHomepage)
                .withRetention(new io.mist.retention.RetentionOptions(msgbusQueueSize,
                    Durations.parse("--msgbus-ttl", msgbusTtl), ByteSize.parse("--msgbus-max-bytes", msgbusMaxBytes),
                    msgbusMaxTopics))
                .withAuthUrl(io.mist.auth.AuthUrlOptions.parse(authUrl,
                    Durations.parse("--auth-url-cache", authUrlCache),
                    Durations.parse("--auth-url-timeout", authUrlTimeout)), allowAnonymous);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
    }

    /**
     * On SIGHUP, reads the configuration again as at start (the same command line, the environment and the config
     * file as they are now) and lets the server apply what can change while it runs; one log line says what changed
     * and what needs a restart. A configuration that no longer parses changes nothing and is logged. Installed before
     * the server starts, so that a SIGHUP sent as soon as a listener is up does not meet the JVM's own handler (which
     * exits); until {@code started} is set, a SIGHUP is logged and ignored. Returns false when the process was started
     * with SIGHUP ignored (nohup does that): the JVM then leaves it ignored, and no reload can happen.
     */
    private static boolean reloadOnSighup(final MistServer server, final List<String> args,
        final java.util.function.BooleanSupplier started)
    {
        final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("mist");
        try
        {
            return sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal ->
            {
                if (!started.getAsBoolean())
                {
                    log.warn("Reload (SIGHUP) ignored: the server is still starting");
                    return;
                }
                try
                {
                    log.info(server.reload(reparse(args)));
                }
                catch (final RuntimeException ex)
                {
                    log.error("Reload (SIGHUP) refused; the running configuration stays: {}", ex.getMessage());
                }
            }) != sun.misc.SignalHandler.SIG_IGN;
        }
        catch (final IllegalArgumentException | UnsupportedOperationException ex)
        {
            log.debug("No SIGHUP on this platform: the configuration cannot be reloaded ({})", ex.getMessage());
            return true;
        }
    }

    /** The server configuration {@code args} give now, with the environment and config file as they are now. */
    static ServerConfig reparse(final List<String> args)
    {
        final CommandLine commandLine = commandLine();
        final String[] array = args.toArray(String[]::new);
        commandLine.setDefaultValueProvider(new FlagDefaults(System.getenv(),
            configFile(array, System.getenv(), commandLine)));
        commandLine.parseArgs(array);
        return ((MistCommand)commandLine.getCommand()).toConfig();
    }

    /** The cluster to join, or null without {@code --cluster}. */
    private io.mist.cluster.ClusterOptions clusterOptions()
    {
        final List<String> servers = cluster.stream().map(String::trim).filter(server -> !server.isEmpty()).toList();
        if (servers.isEmpty())
        {
            if (clusterCredentials != null || clusterTlsCa != null)
            {
                throw new IllegalArgumentException((clusterCredentials != null ? "--cluster-credentials" :
                    "--cluster-tls-ca") + " needs --cluster");
            }
            return null;
        }
        if (clusterCredentials != null && !java.nio.file.Files.isReadable(clusterCredentials))
        {
            throw new IllegalArgumentException("--cluster-credentials: cannot read " + clusterCredentials);
        }
        if (clusterTlsCa != null && !java.nio.file.Files.isReadable(clusterTlsCa))
        {
            throw new IllegalArgumentException("--cluster-tls-ca: cannot read " + clusterTlsCa);
        }
        return new io.mist.cluster.ClusterOptions(servers, clusterName, clusterCredentials, clusterTlsCa);
    }

    /** Whether {@code flag} is on the command line (not from the environment, the config file or the default). */
    private boolean given(final String flag)
    {
        final CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption(flag);
    }

    /** {@code parse}'s value; its error names {@code flag}. */
    private static <T> T named(final String flag, final java.util.function.Supplier<T> parse)
    {
        try
        {
            return parse.get();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(flag + ": " + ex.getMessage(), ex);
        }
    }

    /** Netty's buffer leak detection: off in the server unless this system property is set. */
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    /**
     * Netty samples one buffer in 128 with a stack trace to find leaks (a few % of an IO thread at moderate rates): the
     * tests run with it, the server without, unless {@link #LEAK_DETECTION} asks for a level.
     */
    static void leakDetectionOffUnlessAsked()
    {
        if (System.getProperty(LEAK_DETECTION) == null)
        {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    /** Runs the server until it is stopped; a failed start is told on {@code err}, like every other error. */
    private static int runServer(final ServerConfig config, final PrintWriter err, final List<String> args)
    {
        leakDetectionOffUnlessAsked();
        final MistServer server = new MistServer(config);
        final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        final boolean reloads = reloadOnSighup(server, args, started::get);
        try
        {
            server.start();
        }
        catch (final StartupException ex)
        {
            err.println("Error: " + ex.getMessage());
            err.flush();
            return 1;
        }
        started.set(true);
        if (!reloads)
        {
            org.slf4j.LoggerFactory.getLogger("mist").warn("SIGHUP was ignored when this process started (nohup " +
                "does that), so kill -HUP cannot reload the configuration; to reload, start mist without nohup (as " +
                "a service, in a container, or with setsid)");
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            org.slf4j.LoggerFactory.getLogger("mist").info("Shutting down...");
            server.close();
            stopped.countDown();
        }, "mist-shutdown"));
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Runs the command line with {@code args}: reads a {@code --config} file first (its values become the flags'
     * defaults), then parses and executes. Returns the exit code.
     */
    public static int run(final String[] args)
    {
        return run(args, null, null);
    }

    /** {@link #run(String[])} writing to {@code out} and {@code err} (null: the process's own). */
    static int run(final String[] args, final PrintWriter out, final PrintWriter err)
    {
        return run(args, out, err, System.getenv());
    }

    /** {@link #run(String[], PrintWriter, PrintWriter)} with {@code environment} for {@code MIST_<FLAG>}. */
    static int run(final String[] args, final PrintWriter out, final PrintWriter err,
        final java.util.Map<String, String> environment)
    {
        final CommandLine commandLine = commandLine();
        if (out != null)
        {
            commandLine.setOut(out);
        }
        if (err != null)
        {
            commandLine.setErr(err);
        }
        final ConfigFile file;
        try
        {
            file = configFile(args, environment, commandLine);
        }
        catch (final IllegalArgumentException ex)
        {
            commandLine.getErr().println("Error: " + ex.getMessage());
            commandLine.getErr().flush();
            return 2;
        }
        commandLine.setDefaultValueProvider(new FlagDefaults(environment, file));
        return commandLine.execute(args);
    }

    /**
     * The config file {@code --config} among {@code args} names, else {@code MIST_CONFIG}, read now; null for none.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it.
     */
    private static ConfigFile configFile(final String[] args, final java.util.Map<String, String> environment,
        final CommandLine commandLine)
    {
        java.nio.file.Path path = ConfigFile.findIn(args);
        final String variable = environment.get(FlagDefaults.variable("--config"));
        if (path == null && variable != null && !variable.isEmpty())
        {
            path = java.nio.file.Path.of(variable);
        }
        return path == null ? null : ConfigFile.load(path, commandLine.getCommandSpec());
    }

    /** Builds the command line, with its error and exit-code handling. */
    public static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new MistCommand());
        for (final Object subcommand : io.mist.server.cli.ClientCommands.all())
        {
            commandLine.addSubcommand(subcommand);
        }
        // mist's hidden aliases of publish.
        for (final String alias : new String[] { "message", "send" })
        {
            final CommandLine publish = new CommandLine(io.mist.server.cli.ClientCommands.publishCommand());
            publish.getCommandSpec().usageMessage().hidden(true);
            commandLine.addSubcommand(alias, publish);
        }
        final CommandLine completion = new CommandLine(new picocli.AutoComplete.GenerateCompletion());
        completion.getCommandSpec().usageMessage().hidden(false);
        commandLine.addSubcommand("generate-completion", completion);
        commandLine.setParameterExceptionHandler((ex, args) ->
        {
            final PrintWriter err = ex.getCommandLine().getErr();
            err.println("Error: " + ex.getMessage());
            err.println("Run 'mist --help' for usage.");
            return 2;
        });
        return commandLine;
    }

    /** The version baked in at build time. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion() throws IOException
        {
            final Properties properties = new Properties();
            try (InputStream in = MistCommand.class.getResourceAsStream("version.properties"))
            {
                if (in != null)
                {
                    properties.load(in);
                }
            }
            final String commit = properties.getProperty("commit", "");
            final String known = commit.isEmpty() || commit.startsWith("${") ? "unknown" : commit +
                ("true".equals(properties.getProperty("dirty")) ? "-dirty" : "");
            return new String[] { "mist " + properties.getProperty("version", "unknown") + " (commit " + known +
                "; jvm, Java " + Runtime.version().feature() + ")" };
        }
    }
}
