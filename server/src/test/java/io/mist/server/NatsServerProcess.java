package io.mist.server;

import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A nats-server of a test's own, on a loopback port, that the test can stop and start again on the same port. The
 * binary is {@code MIST_NATS_SERVER}, else {@code /usr/sbin/nats-server} or {@code nats-server} on the PATH; without
 * one the test is skipped with a message, except under {@code CI=true}, where it fails.
 */
final class NatsServerProcess implements AutoCloseable
{
    private final String binary;
    private final int port;
    private final List<String> extra;
    private Process process;

    private NatsServerProcess(final String binary, final int port, final List<String> extra)
    {
        this.binary = binary;
        this.port = port;
        this.extra = extra;
    }

    /** Starts one on a free port; {@code extra} are more nats-server flags (e.g. a cluster's). */
    static NatsServerProcess launch(final String... extra) throws IOException, InterruptedException
    {
        final NatsServerProcess nats = new NatsServerProcess(binary(), freePort(), List.of(extra));
        nats.start();
        return nats;
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    String url()
    {
        return "nats://127.0.0.1:" + port;
    }

    int port()
    {
        return port;
    }

    /** Starts it (again), and waits until it accepts connections. */
    void start() throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(binary, "-a", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(extra);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline)
        {
            try (Socket probe = new Socket("127.0.0.1", port))
            {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(probe.getInputStream(),
                    StandardCharsets.US_ASCII)))
                {
                    if (in.readLine().startsWith("INFO"))
                    {
                        return;
                    }
                }
            }
            catch (final IOException notYet)
            {
                if (!process.isAlive())
                {
                    throw new IOException("nats-server exited with " + process.exitValue());
                }
                Thread.sleep(20);
            }
        }
        throw new IOException("nats-server did not accept connections on port " + port + " within 10 s");
    }

    /** Kills it (SIGKILL): every client sees the connection drop at once. */
    void kill() throws InterruptedException
    {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process != null)
        {
            kill();
        }
    }

    private static String binary()
    {
        final String configured = System.getenv("MIST_NATS_SERVER");
        final List<String> candidates = new ArrayList<>();
        if (configured != null && !configured.isEmpty())
        {
            candidates.add(configured);
        }
        candidates.add("/usr/sbin/nats-server");
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            candidates.add(dir + "/nats-server");
        }
        for (final String candidate : candidates)
        {
            if (new File(candidate).canExecute())
            {
                return candidate;
            }
        }
        final String why = "no nats-server found (set MIST_NATS_SERVER, or install the Debian package " +
            "'nats-server')";
        if ("true".equals(System.getenv("CI")))
        {
            fail(why + "; under CI=true the cluster tests must run");
        }
        Assumptions.abort(why + "; skipping the cluster test");
        return null;
    }
}
