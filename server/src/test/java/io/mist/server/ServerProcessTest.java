package io.mist.server;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real process: {@code mist --server} starts, serves, and stops cleanly on SIGTERM. */
class ServerProcessTest
{
    private static final Pattern LISTENING = Pattern.compile("TCP server listening at '127\\.0\\.0\\.1:(\\d+)'");

    @Test
    void startsServesAndShutsDownOnSigterm() throws Exception
    {
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        final Process process = new ProcessBuilder(java, "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "--server", "--listeners", "tcp://127.0.0.1:0,ws://127.0.0.1:0,bogus://127.0.0.1:1")
            .redirectErrorStream(true).start();
        final List<String> log = new CopyOnWriteArrayList<>();
        final Thread reader = new Thread(() -> collect(process, log), "process-output");
        reader.start();
        try
        {
            final int port = awaitPort(log);
            try (TestClient client = new TestClient(new InetSocketAddress("127.0.0.1", port)))
            {
                client.sync();
            }
            // kill(1) rather than Process.destroy(), which would also close our end of the child's output.
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor());
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "process did not stop after SIGTERM");
            reader.join(5000);
        }
        finally
        {
            process.destroyForcibly();
        }
        final String all = String.join("\n", log);
        assertEquals(143, process.exitValue(), "exit status after SIGTERM (128 + 15); log:\n" + all);
        assertTrue(all.contains("WS server listening at '127.0.0.1:"), all);
        assertTrue(all.contains("Unsupported scheme 'bogus'"), all);
        assertTrue(all.contains("Shutting down..."), all);
        assertFalse(all.contains("Exception"), all);
    }

    private static int awaitPort(final List<String> log) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline)
        {
            for (final String line : log)
            {
                final Matcher m = LISTENING.matcher(line);
                if (m.find())
                {
                    return Integer.parseInt(m.group(1));
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no listening line within 30 s; log: " + log);
    }

    private static void collect(final Process process, final List<String> log)
    {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = out.readLine()) != null)
            {
                log.add(line);
            }
        }
        catch (final IOException closed)
        {
            // the stream ends with the process
        }
    }
}
