package io.mist.server;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code mist} command line: help, version, validation errors and exit codes. */
class CommandLineTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        final CommandLine commandLine = MistCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private MistCommand parse(final String... args)
    {
        final CommandLine commandLine = MistCommand.commandLine();
        commandLine.parseArgs(args);
        return commandLine.getCommand();
    }

    @Test
    void withoutServerFlagPrintsHelpAndExitsZero()
    {
        assertEquals(0, run());
        assertTrue(out.toString().startsWith("Usage: mist"), out.toString());
        assertTrue(out.toString().contains("--listeners"));
        // The help keeps URIs and sentences whole at 80 columns.
        assertTrue(out.toString().contains("memory://\n"), out.toString());
        assertTrue(out.toString().contains("postgres://user[:password]@host:port?db=NAME\n"), out.toString());
        assertTrue(out.toString().contains("Exit codes of the client commands: 0 done; 1 the server refused;\n"),
            out.toString());
        for (final String line : out.toString().split("\n"))
        {
            assertTrue(line.length() <= 80, "wider than 80 columns: " + line);
        }
    }

    @Test
    void serverFlagsWithoutServerAreAnError()
    {
        assertBad("--listeners is a server flag: add --server to run the server", "--listeners", "tcp://127.0.0.1:1");
        assertBad("--ring-size, --log-level are server flags", "--ring-size", "64", "--log-level", "debug");
        assertTrue(out.toString().isEmpty(), "no help printed: " + out);
    }

    @Test
    void versionFlagPrintsVersion()
    {
        assertEquals(0, run("-v"));
        assertTrue(out.toString().startsWith("mist "), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("mist "));
        out.getBuffer().setLength(0);
        assertEquals(0, run("-V"), "picocli's and most tools' spelling works too");
        assertTrue(out.toString().startsWith("mist "));
    }

    @Test
    void defaultsAreMists()
    {
        final ServerConfig config = parse("--server").toConfig();
        assertEquals(List.of("tcp://127.0.0.1:1445", "http://127.0.0.1:8080", "ws://127.0.0.1:8888"),
            config.listeners().stream().map(ListenerUri::toString).toList());
        assertEquals(LogLevel.INFO, config.logLevel());
        assertEquals(io.mist.engine.EngineConfig.DEFAULT_RING_SIZE, config.engine().ringSize(),
            "--ring-size's default is the engine's");
        assertEquals(4096, config.engine().ringSize());
    }

    @Test
    void listenersFlagReplacesTheDefaultsAndSplitsOnCommas()
    {
        final ServerConfig config = parse("--server", "--listeners", "tcp://127.0.0.1:1,tcp://[::1]:2",
            "--listeners", "tcp://localhost:3").toConfig();
        assertEquals(List.of("127.0.0.1", "::1", "localhost"),
            config.listeners().stream().map(ListenerUri::host).toList());
        assertEquals(List.of(1, 2, 3), config.listeners().stream().map(ListenerUri::port).toList());
    }

    @Test
    void tuningFlagsReachTheConfig()
    {
        final ServerConfig config = parse("--server", "--max-frame-size", "64k", "--client-buffer-size", "256K",
            "--ring-size", "4096", "--wait-strategy", "busy-spin", "--io-threads", "3", "--log-level", "debug")
            .toConfig();
        assertEquals(65536, config.transport().maxFrameSize());
        assertEquals(262144, config.engine().clientBufferSize());
        assertEquals(4096, config.engine().ringSize());
        assertEquals("busy-spin", config.engine().waitStrategy().flagValue());
        assertEquals(3, config.transport().ioThreads());
        assertEquals(LogLevel.DEBUG, config.logLevel());
    }

    @Test
    void operationsFlagsReachTheConfig()
    {
        final ServerConfig defaults = parse("--server").toConfig();
        assertEquals(true, defaults.engine().latencyHistograms());
        final io.mist.engine.CpuSet allowed = io.mist.engine.CpuSet.allowed();
        final io.mist.engine.CpuSet auto = io.mist.engine.CpuSet.lastOfTwo(allowed);
        assertEquals(auto, defaults.engine().matcherCpus(), "the matcher's CPU is auto by default");
        assertEquals(auto, defaults.transport().ioCpus(), "the IO threads' CPUs are auto by default");
        final ServerConfig polling = parse("--server", "--wait-strategy", "yield").toConfig();
        assertEquals(io.mist.engine.CpuSet.NONE, polling.engine().matcherCpus(), "a polling matcher: not pinned");
        assertEquals(io.mist.engine.CpuSet.NONE, polling.transport().ioCpus(), "nor its IO threads");
        assertEquals(auto.isEmpty(), defaults.engine().matcherSpins(), "no spinning where they share one CPU");
        assertEquals(io.mist.engine.CpuSet.NONE, parse("--server", "--matcher-cpu", "none", "--io-cpus", "-1")
            .toConfig().engine().matcherCpus());
        assertEquals(java.time.Duration.ZERO, defaults.statsInterval());
        assertEquals(io.mist.transport.SocketTuning.DEFAULTS, defaults.transport().socketTuning());
        assertEquals(io.mist.engine.RequestLimits.DEFAULTS, defaults.engine().limits());
        assertEquals(io.mist.transport.ConnectionLimits.DEFAULTS, defaults.transport().connectionLimits());
        assertEquals(new io.mist.transport.ConnectionLimits(5, 2, java.time.Duration.ofMillis(1500),
            java.time.Duration.ofMinutes(5)), parse("--server", "--max-connections", "5", "--max-connections-per-ip",
            "2", "--handshake-timeout", "1500ms", "--idle-timeout", "5m").toConfig().transport().connectionLimits());
        assertEquals(new io.mist.engine.RequestLimits(8, 64, 3), parse("--server", "--max-tags", "8",
            "--max-tag-length", "64", "--max-subscriptions", "3").toConfig().engine().limits());

        final ServerConfig config = parse("--server", "--no-latency-histograms", "--matcher-cpu", "0", "--io-cpus", "0",
            "--stats-interval", "30s", "--no-tcp-nodelay", "--socket-send-buffer", "1m", "--socket-receive-buffer",
            "512k", "--write-batch-size", "256k", "--read-size", "1m").toConfig();
        assertEquals(false, config.engine().latencyHistograms());
        assertEquals("0", config.engine().matcherCpus().toString());
        assertEquals("0", config.transport().ioCpus().toString());
        assertFalse(config.engine().matcherSpins(), "the IO thread cannot publish while the matcher spins on its CPU");
        assertTrue(parse("--server", "--matcher-cpu", "0", "--io-cpus", "none").toConfig().engine().matcherSpins());
        if (io.mist.engine.CpuSet.allowed().contains(1))
        {
            assertTrue(parse("--server", "--matcher-cpu", "0-1", "--io-cpus", "0-1").toConfig().engine()
                .matcherSpins(), "on two CPUs an IO thread may publish while the matcher spins");
        }
        assertEquals(java.time.Duration.ofSeconds(30), config.statsInterval());
        assertEquals(new io.mist.transport.SocketTuning(false, 1 << 20, 512 << 10, 256 << 10, 1 << 20),
            config.transport().socketTuning());
        assertEquals(io.mist.transport.SocketTuning.DEFAULTS, parse("--server").toConfig().transport().socketTuning());
        assertEquals(java.time.Duration.ofMinutes(2), parse("--server", "--stats-interval", "2m").toConfig()
            .statsInterval());
    }

    @Test
    void badValuesExitTwoNamingTheOption()
    {
        assertBad("--stats-interval: invalid duration", "--server", "--stats-interval", "often");
        assertBad("--stats-interval: invalid duration", "--server", "--stats-interval", "10");
        assertBad("--stats-interval must be 0 (off) or at least 1s, got 200ms", "--server", "--stats-interval",
            "200ms");
        assertBad("--write-batch-size must be between", "--server", "--write-batch-size", "1k");
        assertBad("--read-size must be between 4k and 16m, got 1024", "--server", "--read-size", "1k");
        assertBad("--read-size: invalid size", "--server", "--read-size", "big");
        assertBad("--socket-send-buffer: invalid size", "--server", "--socket-send-buffer", "-5");
        assertBad("--matcher-cpu must be auto, none or a list of CPUs such as 1, 0-3 or 1,3; got -2", "--server",
            "--matcher-cpu", "-2");
        assertBad("--io-cpus must be auto, none or a list of CPUs", "--server", "--io-cpus", "1-0");
        if (!io.mist.engine.CpuSet.allowed().isEmpty())
        {
            assertBad("--io-cpus names CPU 65535, which this process may not run on (it may use CPUs ", "--server",
                "--io-cpus", "0,65535");
        }
        assertBad("--max-tags, --max-tag-length, --max-subscriptions and --max-distinct-tags must be at least 1",
            "--server", "--max-subscriptions", "0");
        assertBad("--max-distinct-tags must be at least 1", "--server", "--max-distinct-tags", "0");
        assertBad("--max-tag-length: invalid size", "--server", "--max-tag-length", "long");
        assertBad("--max-connections and --max-connections-per-ip must be 0", "--server", "--max-connections", "-1");
        assertBad("--idle-timeout: invalid duration", "--server", "--idle-timeout", "soon");
        assertBad("--ring-size", "--server", "--ring-size", "1000");
        assertBad("--client-buffer-size", "--server", "--client-buffer-size", "3m");
        assertBad("--max-frame-size", "--server", "--max-frame-size", "lots");
        assertBad("--max-frame-size", "--server", "--max-frame-size", "2m", "--client-buffer-size", "1m");
        assertBad("--wait-strategy: unknown wait strategy 'nap'", "--server", "--wait-strategy", "nap");
        assertBad("--log-level: unknown log level", "--server", "--log-level", "LOUD");
        assertBad("--log-format: expected text or json, got 'xml'", "--server", "--log-format", "xml");
        assertBad("--listeners: invalid listener", "--server", "--listeners", "tcp://nohostport");
        assertBad("Unknown option", "--server", "--bogus");
        assertBad("--allowed-origins", "--server", "--allowed-origins", "example.com");
        assertBad("--tls-cert and --tls-key go together", "--server", "--tls-cert", "pom.xml");
        assertBad("--tls-cert: cannot read", "--server", "--tls-cert", "/no/such.pem", "--tls-key", "/no/key.pem");
    }

    @Test
    void listenerFlagsReachTheConfig()
    {
        final ServerConfig config = parse("--server", "--allowed-origins", "https://a.example,http://b.example:8000")
            .toConfig();
        assertEquals(List.of("https://a.example", "http://b.example:8000"), config.transport().allowedOrigins());
        assertEquals(true, config.transport().allowsOrigin("HTTPS://A.EXAMPLE"));
        assertEquals(false, config.transport().allowsOrigin("https://c.example"));
        assertEquals(true, config.transport().allowsOrigin(null));
    }

    @Test
    void authenticatorFlagsAreCheckedAsMist()
    {
        assertBad("An authenticator has been specified but no token provided!", "--server", "--authenticator",
            "memory://", "--listeners", "tcp://127.0.0.1:0");
        assertBad("--allow-anonymous needs --authenticator", "--server", "--allow-anonymous");
        assertEquals(1, run("--server", "--authenticator", "redis://127.0.0.1", "--token", "T", "--listeners",
            "tcp://127.0.0.1:0"), "an unknown authenticator scheme fails startup");
        assertEquals(1, run("--server", "--authenticator", "scribble://", "--token", "T", "--listeners",
            "tcp://127.0.0.1:0"), "scribble without ?db= fails startup");
        final ServerConfig config = parse("--server", "--authenticator", "memory://", "--token", "T",
            "--allow-anonymous").toConfig();
        assertEquals("memory://", config.authenticator());
        assertEquals("T", config.token());
        assertTrue(config.allowAnonymous());
    }

    @Test
    void authUrlFlagsAreCheckedAndNamed()
    {
        assertBad("--auth-url must be an http:// or https:// URL with a host, got 'ftp://app/auth'", "--server",
            "--auth-url", "ftp://app/auth");
        assertBad("--auth-url is not a URL", "--server", "--auth-url", "http://app/a b");
        assertBad("--auth-url-timeout must be more than 0", "--server", "--auth-url", "http://app/auth",
            "--auth-url-timeout", "0");
        assertBad("--auth-url-cache", "--server", "--auth-url", "http://app/auth", "--auth-url-cache", "soon");
        final ServerConfig defaults = parse("--server", "--auth-url", "https://user:pw@app.example/auth",
            "--allow-anonymous").toConfig();
        assertEquals(new io.mist.auth.AuthUrlOptions(java.net.URI.create("https://user:pw@app.example/auth"),
            java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(5)), defaults.authUrl());
        assertEquals("https://user:***@app.example/auth", defaults.authUrl().describe());
        assertTrue(defaults.allowAnonymous(), "--allow-anonymous goes with --auth-url alone");
        assertEquals(java.time.Duration.ZERO, parse("--server", "--auth-url", "http://app/auth", "--auth-url-cache",
            "0").toConfig().authUrl().cacheFor());
        assertEquals(null, parse("--server").toConfig().authUrl());
    }

    @Test
    void occupiedPortFailsStartupWithExitOne() throws Exception
    {
        try (ServerSocket taken = new ServerSocket())
        {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            assertEquals(1, run("--server", "--listeners", "tcp://127.0.0.1:" + taken.getLocalPort()));
            assertTrue(err.toString().startsWith("Error: One or more servers failed to start - Failed to start tcp " +
                "listener at 127.0.0.1:" + taken.getLocalPort()), "on stderr: " + err);
        }
    }

    private MistCommand parse(final java.util.Map<String, String> environment, final ConfigFile file,
        final String... args)
    {
        final CommandLine commandLine = MistCommand.commandLine();
        commandLine.setDefaultValueProvider(new FlagDefaults(environment, file));
        commandLine.parseArgs(args);
        return commandLine.getCommand();
    }

    @Test
    void flagsComeFromTheEnvironmentBetweenTheCommandLineAndTheFile(@org.junit.jupiter.api.io.TempDir
        final java.nio.file.Path dir) throws Exception
    {
        final java.util.Map<String, String> environment = java.util.Map.of("MIST_RING_SIZE", "2048",
            "MIST_AUTHENTICATOR", "memory://", "MIST_TOKEN", "FROM-ENV", "MIST_TCP_NODELAY", "false",
            "MIST_LISTENERS", "tcp://127.0.0.1:1,ws://127.0.0.1:2", "MIST_MAX_TAGS", "");
        final ConfigFile file = ConfigFile.load(java.nio.file.Files.writeString(dir.resolve("mist.yaml"),
            "ring-size: 512\nmax-tags: 7\nlog-level: warn\n"), MistCommand.commandLine().getCommandSpec());
        final ServerConfig config = parse(environment, file, "--server").toConfig();
        assertEquals(2048, config.engine().ringSize(), "the environment wins over the file");
        assertEquals(7, config.engine().limits().maxTags(), "an empty variable counts as unset");
        assertEquals(LogLevel.WARN, config.logLevel(), "the file wins over the default");
        assertEquals("FROM-ENV", config.token());
        assertEquals("memory://", config.authenticator());
        assertEquals(false, config.transport().socketTuning().tcpNoDelay());
        assertEquals(List.of("tcp://127.0.0.1:1", "ws://127.0.0.1:2"),
            config.listeners().stream().map(ListenerUri::toString).toList());
        assertEquals(4096, parse(environment, file, "--server", "--ring-size", "4096").toConfig().engine().ringSize(),
            "the command line wins over the environment");
        final CommandLine.ParameterException bad = assertThrows(CommandLine.ParameterException.class, () ->
            parse(java.util.Map.of("MIST_RING_SIZE", "1000"), null, "--server").toConfig());
        assertTrue(bad.getMessage().contains("--ring-size"), bad.getMessage());
    }

    @Test
    void tokenFile(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) throws Exception
    {
        final java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("token"), "S3CRET\n");
        assertEquals("S3CRET", parse(java.util.Map.of(), null, "--server", "--authenticator", "memory://",
            "--token-file", file.toString()).toConfig().token(), "the final line break is not the token's");
        assertEquals("S3CRET", parse(java.util.Map.of("MIST_TOKEN_FILE", file.toString(), "MIST_AUTHENTICATOR",
            "memory://"), null, "--server").toConfig().token());
        assertEquals("S3CRET", parse(java.util.Map.of("MIST_TOKEN", "OTHER", "MIST_AUTHENTICATOR", "memory://"), null,
            "--server", "--token-file", file.toString()).toConfig().token(), "the command line wins");
        assertBad("--token and --token-file: give one, not both", "--server", "--authenticator", "memory://",
            "--token", "T", "--token-file", file.toString());
        assertBad("--token-file: cannot read", "--server", "--authenticator", "memory://", "--token-file",
            dir.resolve("missing").toString());
        assertBad("is empty", "--server", "--authenticator", "memory://", "--token-file",
            java.nio.file.Files.writeString(dir.resolve("empty"), "\n").toString());
    }

    @Test
    void listenerUriParsing()
    {
        final ListenerUri uri = ListenerUri.parse("TCP://0.0.0.0:1445/ignored?x=1");
        assertEquals("tcp", uri.scheme());
        assertEquals("0.0.0.0", uri.host());
        assertEquals(1445, uri.port());
        assertThrows(IllegalArgumentException.class, () -> ListenerUri.parse("127.0.0.1:1445"));
        assertThrows(IllegalArgumentException.class, () -> ListenerUri.parse("tcp://127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> ListenerUri.parse("tcp://127.0.0.1:99999"));
    }

    private void assertBad(final String expectedInMessage, final String... args)
    {
        err.getBuffer().setLength(0);
        assertEquals(2, run(args), String.join(" ", args));
        assertTrue(err.toString().contains(expectedInMessage), err.toString());
    }

    /** The server runs without Netty's leak detection unless its system property asks for a level. */
    @Test
    void nettyLeakDetectionIsOffInTheServerUnlessAskedFor()
    {
        final ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        try
        {
            System.setProperty(MistCommand.LEAK_DETECTION, "paranoid");
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
            MistCommand.leakDetectionOffUnlessAsked();
            assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
            System.clearProperty(MistCommand.LEAK_DETECTION);
            MistCommand.leakDetectionOffUnlessAsked();
            assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());
        }
        finally
        {
            System.clearProperty(MistCommand.LEAK_DETECTION);
            ResourceLeakDetector.setLevel(before);
        }
    }
}
