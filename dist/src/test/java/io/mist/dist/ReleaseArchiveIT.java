package io.mist.dist;

import io.mist.server.MistCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release as a user gets it: the tar.gz unpacked into a fresh directory, started through a symlink to its
 * {@code bin/mist} with only a JRE (this test's own), with its {@code conf/mist.yaml}; pinged over TCP and with its
 * client command; stopped with SIGTERM. Its {@code conf/mist.yaml} lists every server flag.
 */
class ReleaseArchiveIT
{
    private static final Pattern LISTENING = Pattern.compile("TCP server listening at '127\\.0\\.0\\.1:(\\d+)'");

    @Test
    void unpackedItStartsAnswersAndStops(@TempDir final Path dir) throws Exception
    {
        final Path archive = Path.of(System.getProperty("mist.release"));
        assertTrue(Files.isRegularFile(archive), "the build made " + archive);
        assertEquals(0, new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString()).inheritIO()
            .start().waitFor());
        final Path home = dir.resolve("mist-" + System.getProperty("mist.version"));
        for (final String file : new String[] {"bin/mist", "lib/mist.jar", "conf/mist.yaml", "systemd/mist.service",
            "LICENSE", "README.md", "CHANGELOG.md"})
        {
            assertTrue(Files.exists(home.resolve(file)), file + " is in the release");
        }
        assertTrue(Files.isExecutable(home.resolve("bin/mist")));
        final Path onPath = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(onPath.resolve("mist"), home.resolve("bin/mist"));

        final Process version = command(onPath, "mist --version").start();
        final String printed = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, version.waitFor());
        assertTrue(printed.startsWith("mist " + System.getProperty("mist.version") + " (commit "), printed);

        final Process server = command(onPath, "exec mist --config " + home.resolve("conf/mist.yaml") +
            " --listeners tcp://127.0.0.1:0").start();
        try
        {
            final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            final Thread reader = new Thread(() ->
            {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8)))
                {
                    for (String line = out.readLine(); line != null; line = out.readLine())
                    {
                        lines.add(line);
                    }
                }
                catch (final java.io.IOException ignored)
                {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            int port = -1;
            final List<String> seen = new ArrayList<>();
            while (port < 0)
            {
                final String line = lines.poll(30, TimeUnit.SECONDS);
                assertNotNull(line, "no listening line within 30 s: " + seen);
                seen.add(line);
                final Matcher m = LISTENING.matcher(line);
                if (m.find())
                {
                    port = Integer.parseInt(m.group(1));
                }
            }
            try (Socket socket = new Socket("127.0.0.1", port))
            {
                final OutputStream out = socket.getOutputStream();
                out.write("{\"command\":\"ping\"}\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}", new BufferedReader(new InputStreamReader(
                    socket.getInputStream(), StandardCharsets.US_ASCII)).readLine());
            }
            final Process ping = command(onPath, "mist ping --host 127.0.0.1:" + port).start();
            assertEquals("pong\n", new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, ping.waitFor());
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor());
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "stopped on SIGTERM");
            assertEquals(143, server.exitValue());
        }
        finally
        {
            server.destroyForcibly();
        }
    }

    @Test
    void itsConfigFileNamesEveryServerFlag() throws Exception
    {
        final String conf = Files.readString(Path.of("src/release/conf/mist.yaml"));
        final List<String> missing = new ArrayList<>();
        for (final picocli.CommandLine.Model.OptionSpec option : MistCommand.commandLine().getCommandSpec().options())
        {
            final String name = option.longestName();
            if (option.usageHelp() || option.versionHelp() || name.equals("--config"))
            {
                continue;
            }
            if (!Pattern.compile("(?m)^#? ?" + Pattern.quote(name.substring(2)) + ":").matcher(conf).find())
            {
                missing.add(name);
            }
        }
        assertEquals(List.of(), missing, "server flags without a key in conf/mist.yaml");
    }

    /** A shell command with {@code path} first on the PATH and a JRE: this test's own, through JAVA_HOME. */
    private static ProcessBuilder command(final Path path, final String command)
    {
        final ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
        builder.environment().put("PATH", path + ":" + System.getenv("PATH"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", "-Xmx128m");
        return builder;
    }
}
