package io.mist.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What a running mist server says about itself, for the robustness harnesses: a sample from its {@code /metrics}, and
 * its resident memory and thread count from {@code /proc/<pid>/status} (Linux). Main thread.
 */
final class ServerProbe
{
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI metrics;
    private final long pid;

    /** @param pid the server's process id, or 0 when memory and threads are not to be read. */
    ServerProbe(final URI metrics, final long pid)
    {
        this.metrics = metrics;
        this.pid = pid;
    }

    /** The value of the sample named {@code name} (no labels) in {@code /metrics}. */
    double metric(final String name) throws IOException, InterruptedException
    {
        final String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(name + " "))
            {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new IOException("no sample '" + name + "' at " + metrics);
    }

    /** Resident memory in bytes, or -1 without a pid. */
    long residentBytes() throws IOException
    {
        return status("VmRSS:") * 1024;
    }

    /** Threads of the server process, or -1 without a pid. */
    long threads() throws IOException
    {
        return status("Threads:");
    }

    /** Bytes as MiB for a report line; "n/a" for a figure that was not read (negative). */
    static String mib(final long bytes)
    {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private long status(final String field) throws IOException
    {
        if (pid <= 0)
        {
            return -1;
        }
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
        {
            if (line.startsWith(field))
            {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }
}
