package io.mist.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --config} files: YAML and JSON, mist's keys and ours, precedence flag > file > default, clear errors. */
class ConfigFileTest
{
    @TempDir
    Path dir;

    private ServerConfig configFrom(final String... args)
    {
        final picocli.CommandLine commandLine = MistCommand.commandLine();
        final Path config = ConfigFile.findIn(args);
        if (config != null)
        {
            commandLine.setDefaultValueProvider(ConfigFile.load(config, commandLine.getCommandSpec()));
        }
        commandLine.parseArgs(args);
        return ((MistCommand)commandLine.getCommand()).toConfig();
    }

    @Test
    void mistsYamlExampleWithOurKeys() throws Exception
    {
        final Path yaml = Files.writeString(dir.resolve("mist.yaml"), """
            server: true
            listeners:
              - tcp://127.0.0.1:1445
              - ws://127.0.0.1:8888
            authenticator: memory://
            token: TOKEN
            log-level: DEBUG
            ring-size: 2048
            client-buffer-size: 2m
            inbound-buffer-size: 16m
            wait-strategy: yield
            allowed-origins: [https://a.example]
            log-format: json
            """);
        final ServerConfig config = configFrom("--config", yaml.toString());
        assertEquals(List.of("tcp://127.0.0.1:1445", "ws://127.0.0.1:8888"),
            config.listeners().stream().map(ListenerUri::toString).toList());
        assertEquals("memory://", config.authenticator());
        assertEquals("TOKEN", config.token());
        assertEquals(LogLevel.DEBUG, config.logLevel());
        assertEquals(2048, config.engine().ringSize());
        assertEquals(2 * 1024 * 1024, config.engine().clientBufferSize());
        assertEquals(16 * 1024 * 1024, config.engine().inboundBufferSize());
        assertEquals("yield", config.engine().waitStrategy().flagValue());
        assertEquals(List.of("https://a.example"), config.transport().allowedOrigins());
        assertEquals(io.mist.server.logging.LogFormat.JSON, config.logFormat());
    }

    @Test
    void flagsWinOverTheFileAndTheFileOverDefaults() throws Exception
    {
        final Path json = Files.writeString(dir.resolve("mist.json"),
            "{\"ring-size\": 2048, \"log-level\": \"warn\", \"listeners\": [\"tcp://127.0.0.1:1\"]}");
        final ServerConfig config = configFrom("--server", "--ring-size", "4096", "--config=" + json);
        assertEquals(4096, config.engine().ringSize(), "the flag");
        assertEquals(LogLevel.WARN, config.logLevel(), "the file");
        assertEquals(List.of("tcp://127.0.0.1:1"), config.listeners().stream().map(ListenerUri::toString).toList());
        assertEquals(ServerConfig.DEFAULT_LISTENERS.size(), configFrom("--server").listeners().size(), "defaults");
        assertEquals(256 * 1024, config.transport().maxFrameSize(), "the default");
        assertEquals(64 * 1024 * 1024, config.engine().inboundBufferSize(), "the default");
    }

    @Test
    void badFilesAreStartupErrorsNamingTheKey() throws Exception
    {
        assertError(Files.writeString(dir.resolve("a.yaml"), "bogus: 1\n"), "unknown key 'bogus'", 2);
        assertError(Files.writeString(dir.resolve("b.yml"), "listeners:\n  tcp: x\n"),
            "key 'listeners' must be a value or a list, not a mapping", 2);
        assertError(Files.writeString(dir.resolve("c.json"), "{\"ring-size\": \"many\"}"), "--ring-size", 2);
        assertError(Files.writeString(dir.resolve("d.yaml"), "ring-size: 1000\n"), "--ring-size", 2);
        assertError(Files.writeString(dir.resolve("e.json"), "{\"ring-size\": "), "not valid JSON", 2);
        assertError(Files.writeString(dir.resolve("g.yaml"), "inbound-buffer-size: 64k\n"), "--inbound-buffer-size", 2);
        assertError(Files.writeString(dir.resolve("f.toml"), "x = 1"), "only YAML and JSON files are read", 2);
        assertError(dir.resolve("missing.yaml"), "not found", 2);
    }

    @Test
    void aNameWithoutExtensionIsFoundAsMistsReadmeGivesIt() throws Exception
    {
        // mist's README: mist --config /path/to/config. The file itself, read as YAML...
        final Path plain = Files.writeString(dir.resolve("config"), "ring-size: 2048\nlog-level: warn\n");
        assertEquals(2048, configFrom("--server", "--config", plain.toString()).engine().ringSize());
        // ...or, as mist's viper looks for it, the name with an extension.
        Files.writeString(dir.resolve("other.yml"), "ring-size: 512\n");
        assertEquals(512, configFrom("--server", "--config", dir.resolve("other").toString()).engine().ringSize());
        Files.writeString(dir.resolve("third.json"), "{\"ring-size\": 256}");
        assertEquals(256, configFrom("--server", "--config=" + dir.resolve("third")).engine().ringSize());
    }

    private static void assertError(final Path file, final String expected, final int code)
    {
        final ClientCommandsTest.Run run = ClientCommandsTest.mist("--server", "--config", file.toString(),
            "--listeners", "tcp://127.0.0.1:0");
        assertEquals(code, run.code(), run.toString());
        assertTrue(run.err().contains(expected), run.err());
    }
}
