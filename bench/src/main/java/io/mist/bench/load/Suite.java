package io.mist.bench.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code mist-bench suite}: the runs behind {@code bench/run-all}. Fan-out throughput first; its NATS figure sets the
 * rate of the fan-out latency run (half of NATS's saturation, as the benchmark issue asks); then fan-in, subset
 * matching (mist only: the peers cannot express it) and the payload extremes. Writes each run's files and the summary
 * table between the {@code run-all} markers of {@code perf-results/README.md}. Main thread.
 */
@Command(name = "suite", mixinStandardHelpOptions = true,
    description = "Run the standard set of scenarios against every broker and write the summary table.")
final class Suite implements Callable<Integer>
{
    static final String BEGIN = "<!-- run-all:begin -->";
    static final String END = "<!-- run-all:end -->";

    @CommandLine.Mixin
    BenchCommand.Endpoints endpoints = new BenchCommand.Endpoints();

    @Option(names = "--connections", defaultValue = "4",
        description = "Subscribers of fan-out, publishers of fan-in. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--warmup", defaultValue = "2", description = "Seconds before each measurement. Default: ${DEFAULT-VALUE}.")
    double warmup;

    @Option(names = "--duration", defaultValue = "8", description = "Seconds measured per run. Default: ${DEFAULT-VALUE}.")
    double duration;

    @Option(names = "--summary", paramLabel = "FILE",
        description = "Markdown file whose run-all section is replaced; default: README.md in --out.")
    Path summary;

    @Option(names = "--command", paramLabel = "TEXT", defaultValue = "bench/run-all",
        description = "How the summary says it was made. Default: ${DEFAULT-VALUE}.")
    String command;

    private final List<Row> rows = new ArrayList<>();

    @Override
    public Integer call() throws Exception
    {
        final LocalDate date = LocalDate.now();
        final List<Broker> brokers = endpoints.brokers();
        final Duration warm = BenchCommand.seconds(warmup);
        final Duration measured = BenchCommand.seconds(duration);

        final RunSpec fanout = new RunSpec(Scenario.FANOUT, RunSpec.Mode.THROUGHPUT, connections, 128, warm, measured,
            0, 0, 0, 0, 7);
        final List<RunResult> fanoutResults = run(date, brokers, fanout);
        rows.add(Row.throughput("fan-out 1→" + connections + ", 128 B: deliveries/s", fanoutResults));

        final RunResult nats = Reports.find(fanoutResults, "nats");
        final RunResult mist = Reports.find(fanoutResults, "mist");
        final RunResult basis = nats != null && nats.ran() ? nats : mist;
        final long rate = Math.max(1000, Math.round(basis.published() / 2));
        final RunSpec latency = new RunSpec(Scenario.FANOUT, RunSpec.Mode.LATENCY, connections, 128, warm, measured,
            rate, 0, 0, 0, 7);
        final List<RunResult> latencyResults = run(date, brokers, latency);
        final String rateBasis = basis == nats ? "half of NATS's saturation" : "half of mist's saturation (no NATS)";
        for (final double percentile : new double[] {50, 99, 99.9, 100})
        {
            rows.add(Row.latency("fan-out latency at " + rate + " msgs/s (" + rateBasis + "): " +
                (percentile == 100 ? "max" : "p" + trim(percentile)), latencyResults, percentile));
        }

        final RunSpec fanin = new RunSpec(Scenario.FANIN, RunSpec.Mode.THROUGHPUT, connections, 128, warm, measured,
            0, 0, 0, 0, 7);
        rows.add(Row.throughput("fan-in " + connections + "→1, 128 B: deliveries/s", run(date, brokers, fanin)));

        final RunSpec match = new RunSpec(Scenario.MATCH, RunSpec.Mode.THROUGHPUT, 8, 128, warm, measured, 0, 10_000,
            1000, 0, 7);
        final List<RunResult> matchResults = run(date, brokers, match);
        rows.add(Row.throughput("match: 10,000 subscriptions of 1–4 tags (of 1,000) on 8 connections, messages of " +
            "1–8 tags: published/s", matchResults, true));
        rows.add(Row.throughput("match (as above): deliveries/s", matchResults));

        for (final int payload : new int[] {16, 16 * 1024})
        {
            final RunSpec sized = new RunSpec(Scenario.FANOUT, RunSpec.Mode.THROUGHPUT, connections, payload, warm,
                measured, 0, 0, 0, 0, 7);
            final List<RunResult> results = run(date, brokers, sized);
            rows.add(Row.throughput("fan-out 1→" + connections + ", " + (payload >= 1024 ? payload / 1024 + " KiB" :
                payload + " B") + ": deliveries/s", results));
            if (payload > 1024)
            {
                rows.add(Row.bytes("fan-out 1→" + connections + ", 16 KiB: payload MB/s delivered", results));
            }
        }
        final String table = table(date, brokers, fanoutResults, latencyResults);
        System.out.println(table);
        final Path target = summary != null ? summary : endpoints.out.resolve("README.md");
        replaceSection(target, table);
        System.out.println("summary written to " + target);
        return 0;
    }

    private List<RunResult> run(final LocalDate date, final List<Broker> brokers, final RunSpec spec)
        throws IOException
    {
        final List<RunResult> results = BenchCommand.runAll(brokers, spec);
        System.out.print(Reports.console(spec, results));
        Reports.write(endpoints.out, date, spec, results, command + " (mist-bench suite)");
        return results;
    }

    private String table(final LocalDate date, final List<Broker> brokers, final List<RunResult> fanout,
        final List<RunResult> latency)
    {
        final StringBuilder out = new StringBuilder();
        out.append("## ").append(date).append(" — load harness, mist beside nats-server and Redis (same run)\n\n");
        out.append("- Machine: ").append(Machine.describe()).append(".\n");
        out.append("- Command: `").append(command).append("` (each run: ").append(trim(warmup))
            .append(" s warm-up, ").append(trim(duration)).append(" s measured). Files: `").append(date)
            .append("-<scenario>-<mode>-<connections>c-<payload>b.{json,svg}` and `.hgrm` per broker for latency.\n");
        out.append("- Throughput runs publish as fast as a window of outstanding deliveries allows (the same window " +
            "for every broker); latency runs send at a fixed rate and measure from each message's intended send " +
            "time (coordinated-omission corrected). Clients: mist over its TCP protocol, jnats, Jedis; all in one " +
            "harness JVM on the same 2 cores as the brokers.\n\n");
        out.append("| scenario |");
        for (final Broker broker : brokers)
        {
            out.append(' ').append(broker.name()).append(" |");
        }
        for (final Broker broker : brokers)
        {
            if (!broker.name().equals("mist"))
            {
                out.append(" mist ÷ ").append(broker.name()).append(" |");
            }
        }
        out.append("\n|---|");
        out.append("---:|".repeat(brokers.size() * 2 - (containsMist(brokers) ? 1 : brokers.size())));
        out.append('\n');
        for (final Row row : rows)
        {
            out.append("| ").append(row.label).append(" |");
            for (final Broker broker : brokers)
            {
                out.append(' ').append(row.cell(broker.name())).append(" |");
            }
            for (final Broker broker : brokers)
            {
                if (!broker.name().equals("mist"))
                {
                    out.append(' ').append(row.ratio("mist", broker.name())).append(" |");
                }
            }
            out.append('\n');
        }
        out.append('\n').append(targets(fanout, latency));
        return out.toString();
    }

    /** The benchmark issue's two end-to-end targets, met or missed by how much. */
    private static String targets(final List<RunResult> fanout, final List<RunResult> latency)
    {
        final StringBuilder out = new StringBuilder("Targets (fan-out, this run):\n");
        final RunResult mist = Reports.find(fanout, "mist");
        final RunResult nats = Reports.find(fanout, "nats");
        if (mist == null || nats == null || !mist.ran() || !nats.ran())
        {
            return out.append("- not evaluated: mist and NATS both need to run.\n").toString();
        }
        final double throughput = mist.delivered() / nats.delivered();
        out.append(String.format(Locale.ROOT, "- delivered throughput ≥ 1.5× nats-server's: %.2f× — %s%n", throughput,
            throughput >= 1.5 ? "met" : String.format(Locale.ROOT, "missed by %.0f %%", (1.5 - throughput) / 1.5 * 100)));
        final RunResult mistLatency = Reports.find(latency, "mist");
        final RunResult natsLatency = Reports.find(latency, "nats");
        if (mistLatency != null && natsLatency != null && mistLatency.latency() != null &&
            natsLatency.latency() != null)
        {
            final double ours = mistLatency.latency().getValueAtPercentile(99) / 1000.0;
            final double theirs = natsLatency.latency().getValueAtPercentile(99) / 1000.0;
            out.append(String.format(Locale.ROOT, "- p99 at half of NATS's saturation ≤ NATS's p99: %.0f µs vs %.0f " +
                "µs — %s%n", ours, theirs, ours <= theirs ? "met" :
                String.format(Locale.ROOT, "missed by %.0f %%", (ours - theirs) / theirs * 100)));
        }
        return out.toString();
    }

    private static boolean containsMist(final List<Broker> brokers)
    {
        return brokers.stream().anyMatch(b -> b.name().equals("mist"));
    }

    /** Replaces the text between the run-all markers of {@code file} (appending the section when absent). */
    static void replaceSection(final Path file, final String section) throws IOException
    {
        final String block = BEGIN + "\n" + section + END;
        final String existing = Files.exists(file) ? Files.readString(file) : "";
        final int begin = existing.indexOf(BEGIN);
        final int end = existing.indexOf(END);
        final String updated = begin >= 0 && end > begin ?
            existing.substring(0, begin) + block + existing.substring(end + END.length()) :
            existing + (existing.isEmpty() || existing.endsWith("\n") ? "\n" : "\n\n") + block + "\n";
        Files.writeString(file, updated);
    }

    private static String trim(final double value)
    {
        return value == Math.rint(value) ? Long.toString((long)value) : Double.toString(value);
    }

    /** One line of the summary: a figure per broker. */
    private static final class Row
    {
        final String label;
        final java.util.Map<String, Double> values = new java.util.LinkedHashMap<>();
        final java.util.Map<String, String> notes = new java.util.LinkedHashMap<>();
        boolean lowerIsBetter;
        boolean micros;

        Row(final String label)
        {
            this.label = label;
        }

        static Row throughput(final String label, final List<RunResult> results)
        {
            return throughput(label, results, false);
        }

        static Row throughput(final String label, final List<RunResult> results, final boolean published)
        {
            final Row row = new Row(label);
            for (final RunResult r : results)
            {
                row.put(r, published ? r.published() : r.delivered());
            }
            return row;
        }

        static Row bytes(final String label, final List<RunResult> results)
        {
            final Row row = new Row(label);
            for (final RunResult r : results)
            {
                row.put(r, r.deliveredBytes() / 1e6);
            }
            return row;
        }

        static Row latency(final String label, final List<RunResult> results, final double percentile)
        {
            final Row row = new Row(label);
            row.lowerIsBetter = true;
            row.micros = true;
            for (final RunResult r : results)
            {
                row.put(r, r.latency() == null ? Double.NaN : r.latency().getValueAtPercentile(percentile) / 1000.0);
            }
            return row;
        }

        private void put(final RunResult result, final double value)
        {
            if (result.ran())
            {
                values.put(result.broker(), value);
                if (result.lost() > 0)
                {
                    notes.put(result.broker(), result.lost() + " lost");
                }
            }
            else
            {
                notes.put(result.broker(), result.note().startsWith("cannot") ? "n/a (no subset matching)" :
                    "did not run");
            }
        }

        String cell(final String broker)
        {
            final Double value = values.get(broker);
            final String note = notes.get(broker);
            if (value == null || value.isNaN())
            {
                return note == null ? "—" : note;
            }
            final String figure = micros ? Charts.formatMicros(value) : label.endsWith("MB/s") ?
                String.format(Locale.ROOT, "%.0f", value) : Charts.formatRate(value);
            return note == null ? figure : figure + " (" + note + ")";
        }

        String ratio(final String ours, final String peer)
        {
            final Double a = values.get(ours);
            final Double b = values.get(peer);
            if (a == null || b == null || a.isNaN() || b.isNaN() || a <= 0 || b <= 0)
            {
                return "—";
            }
            return String.format(Locale.ROOT, "%.2f×", a / b) + (lowerIsBetter ? " (lower is better)" : "");
        }
    }
}
