package io.mist.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mist} as a real child process on this test's class path, for tests of what only a process shows: its
 * output, signals, exit status. Collects every output line on a thread of its own.
 */
final class ServerProcess implements AutoCloseable
{
    private static final Pattern LISTENING = Pattern.compile("(\\w+) server listening at '127\\.0\\.0\\.1:(\\d+)'");

    private final Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ServerProcess(final Process process)
    {
        this.process = process;
        this.reader = new Thread(this::collect, "process-output");
        reader.start();
    }

    /** Starts {@code mist} with {@code args}, its standard error merged into its output. */
    static ServerProcess start(final String... args) throws IOException
    {
        return start(List.of(), args);
    }

    /** Starts {@code mist} with {@code args} in a JVM given {@code jvmOptions} too ({@code -XX:...}). */
    static ServerProcess start(final List<String> jvmOptions, final String... args) throws IOException
    {
        return startUnder(List.of(), jvmOptions, args);
    }

    /** Starts {@code mist} as {@link #start(List, String...)}, its command led by {@code launcher} (taskset -c 0,1). */
    static ServerProcess startUnder(final List<String> launcher, final List<String> jvmOptions, final String... args)
        throws IOException
    {
        return startUnder(launcher, java.util.Map.of(), jvmOptions, args);
    }

    /** As {@link #startUnder(List, List, String...)}, with {@code environment} set for the server. */
    static ServerProcess startUnder(final List<String> launcher, final java.util.Map<String, String> environment,
        final List<String> jvmOptions, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new ServerProcess(builder.start());
    }

    /** The server's process id (a launcher such as taskset replaces itself with it). */
    long pid()
    {
        return process.pid();
    }

    /** The port of the listener whose log line names {@code label} ({@code TCP}, {@code WS}, {@code HTTP}, ...). */
    int awaitPort(final String label) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline)
        {
            for (final String line : log)
            {
                final Matcher m = LISTENING.matcher(line);
                if (m.find() && m.group(1).equals(label))
                {
                    return Integer.parseInt(m.group(2));
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + label + " listening line within 30 s; log: " + log);
    }

    /**
     * Sends SIGTERM with kill(1) (Process.destroy() would also close our end of the child's output) and waits up to
     * 10 s for the process and its output to end.
     *
     * @return the exit status, or -1 when the process did not stop.
     */
    int terminate() throws IOException, InterruptedException
    {
        if (new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor() != 0 ||
            !process.waitFor(10, TimeUnit.SECONDS))
        {
            return -1;
        }
        reader.join(5000);
        return process.exitValue();
    }

    /** Sends the process a signal by name ({@code HUP}, {@code TERM}, ...). */
    void signal(final String name) throws IOException, InterruptedException
    {
        if (new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor() != 0)
        {
            throw new IOException("kill -" + name + " failed");
        }
    }

    /** Waits up to 20 s for a log line containing {@code text}; returns it. */
    String awaitLine(final String text) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline)
        {
            for (final String line : log)
            {
                if (line.contains(text))
                {
                    return line;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no line with '" + text + "' within 20 s; log:\n" + log());
    }

    /** Everything the process printed so far, one line each. */
    String log()
    {
        return String.join("\n", log);
    }

    @Override
    public void close()
    {
        process.destroyForcibly();
    }

    private void collect()
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
