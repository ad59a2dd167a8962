package io.mist.bench.load;

import org.HdrHistogram.Histogram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes one run's record into the results directory: {@code <date>-<slug>.json} (every parameter, the machine, each
 * broker's figures, those of each round, and its ratios to the peers), one {@code .hgrm} percentile distribution per
 * broker in latency mode (microseconds), and {@code <date>-<slug>.svg}. Also formats the console and Markdown tables.
 * Main thread.
 */
public final class Reports
{
    /** Percentiles reported for latency runs. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99, 100};
    private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9", "p99.99", "max"};

    private Reports()
    {
    }

    /**
     * Writes the files; returns their paths. Files already there (say, a recorded run committed in perf-results/) are
     * never overwritten: a second run of the same scenario on the same day gets {@code -2}, {@code -3}, ... A run
     * with a mist cluster among its brokers ({@code bench/cluster}) is named {@code <date>-cluster-<scenario>-…}, apart
     * from the single-node runs of the same scenario.
     */
    public static List<Path> write(final Path directory, final LocalDate date, final RunSpec spec,
        final List<RunResult> results, final String command) throws IOException
    {
        Files.createDirectories(directory);
        final boolean cluster = results.stream().anyMatch(r -> r.broker().equals(MistClusterBroker.NAME));
        final String base = freeBase(directory, date + (cluster ? "-cluster-" : "-") + spec.slug());
        final List<Path> written = new ArrayList<>();
        final Path json = directory.resolve(base + ".json");
        Files.writeString(json, json(date, spec, results, command));
        written.add(json);
        for (final RunResult result : results)
        {
            if (result.latency() != null)
            {
                final Path hgrm = directory.resolve(base + "-" + result.broker() + ".hgrm");
                Files.writeString(hgrm, hgrm(result.latency()));
                written.add(hgrm);
            }
        }
        final Path svg = directory.resolve(base + ".svg");
        final String title = spec.scenario().label() + ", " + spec.connections() + " connections, " +
            spec.payload() + " B" + (spec.mode() == RunSpec.Mode.LATENCY ? ", " + spec.rate() + " msgs/s" : "");
        Files.writeString(svg, spec.mode() == RunSpec.Mode.LATENCY ? Charts.percentilePlot(title, results) :
            Charts.throughputBars(title, results));
        written.add(svg);
        return written;
    }

    /** {@code base}, or {@code base-N} with the smallest N from 2 whose run was not written yet. */
    static String freeBase(final Path directory, final String base)
    {
        String candidate = base;
        for (int n = 2; Files.exists(directory.resolve(candidate + ".json")) ||
            Files.exists(directory.resolve(candidate + ".svg")); n++)
        {
            candidate = base + "-" + n;
        }
        return candidate;
    }

    /** The distribution in HdrHistogram's percentile format, in microseconds. */
    static String hgrm(final Histogram histogram)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        histogram.outputPercentileDistribution(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1000.0);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Our figure divided by a peer's, or NaN when either is missing. */
    static double ratio(final double ours, final double peers)
    {
        return ours > 0 && peers > 0 ? ours / peers : Double.NaN;
    }

    static String json(final LocalDate date, final RunSpec spec, final List<RunResult> results, final String command)
    {
        final StringBuilder out = new StringBuilder(4096).append("{\n");
        field(out, "date", date.toString()).append(",\n");
        field(out, "command", command).append(",\n");
        out.append("  \"machine\": {");
        field(out.append(' '), "cores", Runtime.getRuntime().availableProcessors()).append(", ");
        field(out, "cpu", Machine.cpuModel()).append(", ");
        field(out, "jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version")).append(", ");
        field(out, "os", System.getProperty("os.name") + " " + System.getProperty("os.version")).append(", ");
        field(out, "harnessLineSearchBytes", ThinClient.searchLanes()).append(" },\n");
        out.append("  \"parameters\": {");
        field(out.append(' '), "scenario", spec.scenario().label()).append(", ");
        field(out, "mode", spec.mode().label()).append(", ");
        field(out, "connections", spec.connections()).append(", ");
        field(out, "payloadBytes", spec.payload()).append(", ");
        field(out, "warmupSeconds", spec.warmup().toMillis() / 1000.0).append(", ");
        field(out, "durationSeconds", spec.duration().toMillis() / 1000.0).append(", ");
        field(out, "ratePerSecond", spec.rate()).append(", ");
        field(out, "subscriptions", spec.subscriptions()).append(", ");
        field(out, "vocabulary", spec.vocabulary()).append(", ");
        field(out, "windowPerSubscriber", spec.effectiveWindow()).append(", ");
        field(out, "seed", spec.seed()).append(" },\n");
        out.append("  \"results\": [\n");
        final RunResult mist = find(results, "mist");
        for (int i = 0; i < results.size(); i++)
        {
            final RunResult r = results.get(i);
            out.append("    {");
            field(out.append(' '), "broker", r.broker());
            if (!r.ran())
            {
                field(out.append(", "), "skipped", r.note());
            }
            else
            {
                field(out.append(", "), "publishedPerSecond", r.published());
                field(out.append(", "), "deliveredPerSecond", r.delivered());
                field(out.append(", "), "deliveredBytesPerSecond", r.deliveredBytes());
                field(out.append(", "), "sent", r.sent());
                field(out.append(", "), "expectedDeliveries", r.expected());
                field(out.append(", "), "received", r.received());
                field(out.append(", "), "lost", r.lost());
                field(out.append(", "), "brokerCpuPercent", r.brokerCpu());
                field(out.append(", "), "brokerCpuMicrosPerDelivery", r.cpuMicrosPerDelivery());
                field(out.append(", "), "brokerSystemCpuPercent", r.brokerSystemCpu());
                field(out.append(", "), "brokerContextSwitchesPerDelivery", r.switchesPerDelivery());
                if (r.latency() != null)
                {
                    out.append(", \"latencyMicros\": {");
                    for (int p = 0; p < PERCENTILES.length; p++)
                    {
                        field(out.append(p == 0 ? " " : ", "), PERCENTILE_NAMES[p],
                            r.latency().getValueAtPercentile(PERCENTILES[p]) / 1000.0);
                    }
                    field(out.append(", "), "count", r.latency().getTotalCount()).append(" }");
                }
                if (r.rounds().size() > 1)
                {
                    out.append(", \"rounds\": [");
                    for (int k = 0; k < r.rounds().size(); k++)
                    {
                        final RunResult round = r.rounds().get(k);
                        if (!round.ran())
                        {
                            field(out.append(k == 0 ? "{ " : ", { "), "skipped", round.note()).append(" }");
                            continue;
                        }
                        field(out.append(k == 0 ? "{ " : ", { "), "deliveredPerSecond", round.delivered());
                        field(out.append(", "), "brokerCpuMicrosPerDelivery", round.cpuMicrosPerDelivery());
                        if (round.latency() != null)
                        {
                            field(out.append(", "), "p50Micros", round.latency().getValueAtPercentile(50) / 1000.0);
                            field(out.append(", "), "p99Micros", round.latency().getValueAtPercentile(99) / 1000.0);
                        }
                        out.append(" }");
                    }
                    out.append(']');
                }
                if (mist != null && r != mist && mist.ran())
                {
                    field(out.append(", "), "mistDeliveredRatio", ratio(mist.delivered(), r.delivered()));
                    if (r.latency() != null && mist.latency() != null)
                    {
                        field(out.append(", "), "mistP99Ratio", ratio(mist.latency().getValueAtPercentile(99),
                            r.latency().getValueAtPercentile(99)));
                    }
                }
            }
            out.append(i + 1 < results.size() ? " },\n" : " }\n");
        }
        return out.append("  ]\n}\n").toString();
    }

    /** A plain table for the console. */
    public static String console(final RunSpec spec, final List<RunResult> results)
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s %s, %d connections, %d B payload%s%n", spec.scenario().label(),
            spec.mode().label(), spec.connections(), spec.payload(),
            spec.mode() == RunSpec.Mode.LATENCY ? ", " + spec.rate() + " msgs/s" : ""));
        for (final RunResult r : results)
        {
            if (!r.ran())
            {
                out.append(String.format(Locale.ROOT, "  %-6s n/a: %s%n", r.broker(), r.note()));
                continue;
            }
            out.append(String.format(Locale.ROOT, "  %-6s published %s/s, delivered %s/s (%.1f MB/s), lost %d of %d",
                r.broker(), Charts.formatRate(r.published()), Charts.formatRate(r.delivered()),
                r.deliveredBytes() / 1e6, r.lost(), r.expected()));
            if (!Double.isNaN(r.brokerCpu()))
            {
                out.append(String.format(Locale.ROOT, ", broker CPU %.0f %% (%.2f µs per delivery", r.brokerCpu(),
                    r.cpuMicrosPerDelivery()));
                if (!Double.isNaN(r.systemSharePercent()))
                {
                    out.append(String.format(Locale.ROOT, ", %.0f %% of it in the kernel", r.systemSharePercent()));
                }
                if (!Double.isNaN(r.switchesPerDelivery()))
                {
                    // Two significant digits: flat-out runs make a few per thousand deliveries.
                    out.append(String.format(Locale.ROOT, ", %.2g context switches per delivery",
                        r.switchesPerDelivery()));
                }
                out.append(')');
            }
            if (r.latency() != null)
            {
                out.append(", latency");
                for (int p = 0; p < PERCENTILES.length; p++)
                {
                    out.append(' ').append(PERCENTILE_NAMES[p]).append(' ')
                        .append(Charts.formatMicros(r.latency().getValueAtPercentile(PERCENTILES[p]) / 1000.0));
                }
            }
            if (r.rounds().size() > 1)
            {
                out.append("; by round: delivered");
                for (final RunResult round : r.rounds())
                {
                    out.append(' ').append(round.ran() ? Charts.formatRate(round.delivered()) + "/s" : "—");
                }
                if (r.latency() != null)
                {
                    out.append(", p99");
                    for (final RunResult round : r.rounds())
                    {
                        out.append(' ').append(round.latency() == null ? "—" :
                            Charts.formatMicros(round.latency().getValueAtPercentile(99) / 1000.0));
                    }
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    static RunResult find(final List<RunResult> results, final String broker)
    {
        for (final RunResult result : results)
        {
            if (result.broker().equals(broker))
            {
                return result;
            }
        }
        return null;
    }

    private static StringBuilder field(final StringBuilder out, final String name, final Object value)
    {
        out.append('"').append(name).append("\": ");
        if (value instanceof String text)
        {
            out.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        else if (value instanceof Double number && (number.isNaN() || number.isInfinite()))
        {
            out.append("null");
        }
        else if (value instanceof Double number)
        {
            out.append(String.format(Locale.ROOT, "%.3f", number));
        }
        else
        {
            out.append(value);
        }
        return out;
    }
}
