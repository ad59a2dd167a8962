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
 * {@code mist-bench suite}: the runs behind {@code bench/run-all}, each in alternating rounds with medians: fan-out
 * throughput at 128 B, 16 B and 16 KiB, fan-out latency at a fixed rate, fan-in, and subset matching (mist only: the
 * peers cannot express it). Beside each figure, the broker's CPU and its CPU per delivered message. Writes each run's
 * files and the summary table, with the cost issue's targets met or missed, between the {@code run-all} markers of
 * the summary file. Main thread.
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

    @Option(names = "--duration", defaultValue = "6", description = "Seconds measured per run. Default: ${DEFAULT-VALUE}.")
    double duration;

    @Option(names = "--latency-rate", defaultValue = "20000",
        description = "Messages per second of the fan-out latency run. Default: ${DEFAULT-VALUE}.")
    long latencyRate;

    @Option(names = "--summary", paramLabel = "FILE",
        description = "Markdown file whose run-all section is replaced; default: README.md in --out.")
    Path summary;

    @Option(names = "--command", paramLabel = "TEXT", defaultValue = "bench/run-all",
        description = "How the summary says it was made. Default: ${DEFAULT-VALUE}.")
    String command;

    private final List<Row> rows = new ArrayList<>();
    private final List<String> targets = new ArrayList<>();

    @Override
    public Integer call() throws Exception
    {
        BenchCommand.noteLineSearch();
        final List<Broker> brokers = endpoints.brokers();
        try (AutoCloseable pinned = endpoints.pinning(brokers))
        {
            return runSuite(brokers);
        }
        catch (final ScenarioRefused refused)
        {
            System.err.println(refused.getMessage());
            return 2;
        }
    }

    private int runSuite(final List<Broker> brokers) throws Exception
    {
        final LocalDate date = LocalDate.now();
        final Duration warm = BenchCommand.seconds(warmup);
        final Duration measured = BenchCommand.seconds(duration);

        final List<RunResult> fanout = throughput(date, brokers, Scenario.FANOUT, connections, 128,
            "fan-out 1→" + connections + ", 128 B", warm, measured);
        target("fan-out 128 B ≥ 1.5× nats-server", fanout, "nats", 1.5);
        target("fan-out 128 B ≥ 1.2× Redis", fanout, "redis", 1.2);

        final List<RunResult> large = throughput(date, brokers, Scenario.FANOUT, connections, 16 * 1024,
            "fan-out 1→" + connections + ", 16 KiB", warm, measured);
        rows.add(Row.bytes("fan-out 1→" + connections + ", 16 KiB: payload MB/s delivered", large));
        target("fan-out 16 KiB ≥ 1.0× Redis", large, "redis", 1.0);

        throughput(date, brokers, Scenario.FANOUT, connections, 16, "fan-out 1→" + connections + ", 16 B", warm,
            measured);
        // A window of 1,000 outstanding 1 KiB messages per subscriber: what mist's default client buffer must hold.
        throughput(date, brokers, Scenario.FANOUT, connections, 1024, 1000, "fan-out 1→" + connections +
            ", 1 KiB, window 1,000", warm, measured);

        final List<RunResult> fanin = throughput(date, brokers, Scenario.FANIN, connections, 128,
            "fan-in " + connections + "→1, 128 B", warm, measured);
        target("fan-in 128 B ≥ 1.2× nats-server", fanin, "nats", 1.2);
        target("fan-in 128 B ≥ 1.0× Redis", fanin, "redis", 1.0);

        final RunSpec latency = new RunSpec(Scenario.FANOUT, RunSpec.Mode.LATENCY, connections, 128, warm, measured,
            latencyRate, 0, 0, 0, 7);
        final List<RunResult> latencyResults = run(date, brokers, latency);
        final String at = latencyRate + " msgs/s to " + connections + " subscribers, 128 B";
        for (final double percentile : new double[] {50, 99, 99.9, 100})
        {
            rows.add(Row.latency(at + ": " + (percentile == 100 ? "max" : "p" + trim(percentile)), latencyResults,
                percentile));
        }
        rows.add(Row.cpu(at + ": broker CPU", latencyResults));
        rows.add(Row.cpuPerDelivery(at + ": broker CPU per delivery", latencyResults));
        rows.add(Row.systemShare(at + ": share of the broker CPU in the kernel", latencyResults));
        rows.add(Row.switchesPerDelivery(at + ": broker context switches per delivery", latencyResults));
        latencyTarget(latencyResults, 50);
        latencyTarget(latencyResults, 99);
        cpuTarget(at, latencyResults);

        final RunSpec match = new RunSpec(Scenario.MATCH, RunSpec.Mode.THROUGHPUT, 8, 128, warm, measured, 0, 10_000,
            1000, 0, 7);
        final List<RunResult> matchResults = run(date, brokers, match);
        rows.add(Row.throughput("match: 10,000 subscriptions of 1–4 tags (of 1,000) on 8 connections, messages of " +
            "1–8 tags: published/s", matchResults, true));
        rows.add(Row.throughput("match (as above): deliveries/s", matchResults));
        rows.add(Row.cpuPerDelivery("match (as above): broker CPU per delivery", matchResults));

        final String table = table(date, brokers);
        System.out.println(table);
        final Path target = summary != null ? summary : endpoints.out.resolve("README.md");
        replaceSection(target, table);
        System.out.println("summary written to " + target);
        return 0;
    }

    /** A throughput run with its rows: deliveries/s, broker CPU, CPU per delivery; losses noted; a target if lost. */
    private List<RunResult> throughput(final LocalDate date, final List<Broker> brokers, final Scenario scenario,
        final int count, final int payload, final String label, final Duration warm, final Duration measured)
        throws IOException
    {
        return throughput(date, brokers, scenario, count, payload, 0, label, warm, measured);
    }

    /** @param window deliveries outstanding per subscriber; 0 for the automatic window. */
    private List<RunResult> throughput(final LocalDate date, final List<Broker> brokers, final Scenario scenario,
        final int count, final int payload, final int window, final String label, final Duration warm,
        final Duration measured) throws IOException
    {
        final List<RunResult> results = run(date, brokers, new RunSpec(scenario, RunSpec.Mode.THROUGHPUT, count,
            payload, warm, measured, 0, 0, 0, window, 7));
        rows.add(Row.throughput(label + ": deliveries/s", results));
        rows.add(Row.cpu(label + ": broker CPU", results));
        rows.add(Row.cpuPerDelivery(label + ": broker CPU per delivery", results));
        final RunResult mist = Reports.find(results, "mist");
        if (mist != null && mist.ran())
        {
            targets.add("- no loss in " + label + " at the default --client-buffer-size: " + (mist.lost() == 0 ?
                "met" : "missed, " + mist.lost() + " of " + mist.expected() + " deliveries lost"));
        }
        return results;
    }

    /** mist's delivered rate ÷ the peer's, against {@code goal}. */
    private void target(final String label, final List<RunResult> results, final String peer, final double goal)
    {
        final RunResult mist = Reports.find(results, "mist");
        final RunResult other = Reports.find(results, peer);
        if (mist == null || other == null || !mist.ran() || !other.ran())
        {
            targets.add("- " + label + ": not evaluated (mist and " + peer + " both need to run)");
            return;
        }
        final double ratio = mist.delivered() / other.delivered();
        targets.add(String.format(Locale.ROOT, "- %s: %.2f×%s — %s", label, ratio,
            byRound(mist, other, RunResult::delivered, ""), ratio >= goal ? "met" :
            String.format(Locale.ROOT, "missed by %.0f %%", (goal - ratio) / goal * 100)));
    }

    private void latencyTarget(final List<RunResult> results, final double percentile)
    {
        final RunResult mist = Reports.find(results, "mist");
        final RunResult redis = Reports.find(results, "redis");
        final String label = "p" + trim(percentile) + " at " + latencyRate + " msgs/s ≤ Redis's";
        if (mist == null || redis == null || mist.latency() == null || redis.latency() == null)
        {
            targets.add("- " + label + ": not evaluated");
            return;
        }
        final double ours = mist.latency().getValueAtPercentile(percentile) / 1000.0;
        final double theirs = redis.latency().getValueAtPercentile(percentile) / 1000.0;
        targets.add(String.format(Locale.ROOT, "- %s: %s vs %s%s — %s", label, Charts.formatMicros(ours),
            Charts.formatMicros(theirs), byRound(mist, redis, r -> r.latency() == null ? Double.NaN :
                r.latency().getValueAtPercentile(percentile), "mist ÷ Redis "), ours <= theirs ? "met" :
            String.format(Locale.ROOT, "missed by %.0f %%", (ours - theirs) / theirs * 100)));
    }

    private void cpuTarget(final String at, final List<RunResult> results)
    {
        final RunResult mist = Reports.find(results, "mist");
        final RunResult redis = Reports.find(results, "redis");
        final String label = "broker CPU per delivery at " + at + " ≤ Redis's";
        if (mist == null || redis == null || Double.isNaN(mist.cpuMicrosPerDelivery()) ||
            Double.isNaN(redis.cpuMicrosPerDelivery()))
        {
            targets.add("- " + label + ": not evaluated");
            return;
        }
        final double ours = mist.cpuMicrosPerDelivery();
        final double theirs = redis.cpuMicrosPerDelivery();
        targets.add(String.format(Locale.ROOT, "- %s: %.2f µs vs %.2f µs%s — %s", label, ours, theirs,
            byRound(mist, redis, RunResult::cpuMicrosPerDelivery, "mist ÷ Redis "), ours <= theirs ? "met" :
            String.format(Locale.ROOT, "missed by %.0f %%", (ours - theirs) / theirs * 100)));
    }

    /**
     * " (0.95–1.40 by round)": how far the ratio of {@code figure} moved between rounds, after {@code prefix}; empty
     * for a single round. A target is judged on the medians; this says how near the medians are to the noise.
     */
    private static String byRound(final RunResult mist, final RunResult peer,
        final java.util.function.ToDoubleFunction<RunResult> figure, final String prefix)
    {
        final String spread = Row.spread(Row.figures(mist, figure), Row.figures(peer, figure));
        return spread.isEmpty() ? "" : " (" + prefix + spread + ")";
    }

    private List<RunResult> run(final LocalDate date, final List<Broker> brokers, final RunSpec spec)
        throws IOException
    {
        final List<RunResult> results = BenchCommand.runAll(brokers, spec, endpoints.rounds);
        System.out.print(Reports.console(spec, results));
        Reports.write(endpoints.out, date, spec, results, command + " (mist-bench suite)");
        return results;
    }

    private String table(final LocalDate date, final List<Broker> brokers)
    {
        final StringBuilder out = new StringBuilder();
        out.append("## ").append(date).append(" — load harness, mist beside nats-server and Redis (same run)\n\n");
        out.append("- Machine: ").append(Machine.describe()).append(".\n");
        out.append("- Command: `").append(command).append("` (each run: ").append(trim(warmup))
            .append(" s warm-up, ").append(trim(duration)).append(" s measured; ").append(endpoints.rounds)
            .append(" rounds, the brokers alternating, medians; each broker first primed with up to 1 s unmeasured " +
                "on at most 2 connections").append(endpoints.pin ?
                "; brokers pinned to CPU 0, harness to the others" : "; brokers and harness share the cores")
            .append("). Files: `").append(date)
            .append("-<scenario>-<mode>-<connections>c-<payload>b.{json,svg}` and `.hgrm` per broker for latency.\n");
        out.append("- Throughput runs publish as fast as a window of outstanding deliveries allows (the same window " +
            "for every broker); latency runs send at a fixed rate and measure from each message's intended send " +
            "time (coordinated-omission corrected). Every broker is driven by the same kind of thin raw-socket " +
            "client (mist's JSON, NATS' text protocol, RESP): one reader thread per connection with a 1 MiB buffer, " +
            "line ends found " + (ThinClient.searchLanes() > Long.BYTES ? "a vector at a time" : "8 bytes at a time") +
            ", writes through a 64 KiB buffer. Broker CPU is read from /proc/PID/stat over the measured window: % " +
            "of one core, and µs of broker CPU per delivered message; at the fixed rate also the share of it spent " +
            "in the kernel (system time) and the broker's context switches per delivery (its threads' " +
            "/proc/PID/task/TID/status).\n\n");
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
        out.append("\nTargets (this run):\n");
        for (final String line : targets)
        {
            out.append(line).append('\n');
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
    static final class Row
    {
        final String label;
        final java.util.Map<String, Double> values = new java.util.LinkedHashMap<>();
        /** Each broker's figure in each of its rounds, in order (one value for a single run). */
        final java.util.Map<String, double[]> rounds = new java.util.LinkedHashMap<>();
        final java.util.Map<String, String> notes = new java.util.LinkedHashMap<>();
        boolean lowerIsBetter;
        boolean micros;
        /** Percent of one core, or (with {@link #micros}) µs per delivery: printed with decimals. */
        boolean cpu;
        /** How the figures are printed, when neither a rate, a CPU nor a latency. */
        String format;
        /** Whether the brokers' figures are given as ratios. */
        boolean compared = true;

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
            return new Row(label).fill(results, r -> published ? r.published() : r.delivered());
        }

        static Row bytes(final String label, final List<RunResult> results)
        {
            return new Row(label).fill(results, r -> r.deliveredBytes() / 1e6);
        }

        static Row cpu(final String label, final List<RunResult> results)
        {
            final Row row = new Row(label);
            row.lowerIsBetter = true;
            row.cpu = true;
            return row.fill(results, RunResult::brokerCpu);
        }

        static Row cpuPerDelivery(final String label, final List<RunResult> results)
        {
            final Row row = new Row(label);
            row.lowerIsBetter = true;
            row.cpu = true;
            row.micros = true;
            return row.fill(results, RunResult::cpuMicrosPerDelivery);
        }

        static Row systemShare(final String label, final List<RunResult> results)
        {
            final Row row = new Row(label);
            row.format = "%.0f %%";
            row.compared = false; // a share says where the time goes, not which broker does better
            return row.fill(results, RunResult::systemSharePercent);
        }

        static Row switchesPerDelivery(final String label, final List<RunResult> results)
        {
            final Row row = new Row(label);
            row.lowerIsBetter = true;
            row.format = "%.2f";
            return row.fill(results, RunResult::switchesPerDelivery);
        }

        static Row latency(final String label, final List<RunResult> results, final double percentile)
        {
            final Row row = new Row(label);
            row.lowerIsBetter = true;
            row.micros = true;
            return row.fill(results, r -> r.latency() == null ? Double.NaN :
                r.latency().getValueAtPercentile(percentile) / 1000.0);
        }

        /** Puts each result's {@code value} (the flags that decide notes set first); returns this row. */
        private Row fill(final List<RunResult> results, final java.util.function.ToDoubleFunction<RunResult> value)
        {
            for (final RunResult r : results)
            {
                put(r, value.applyAsDouble(r));
                if (r.ran())
                {
                    rounds.put(r.broker(), figures(r, value));
                }
            }
            return this;
        }

        private void put(final RunResult result, final double value)
        {
            if (result.ran())
            {
                values.put(result.broker(), value);
                if (result.lost() > 0 && !cpu && format == null)
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
            final String figure = format != null ? String.format(Locale.ROOT, format, value) :
                cpu ? String.format(Locale.ROOT, micros ? "%.2f µs" : "%.0f %%", value) :
                micros ? Charts.formatMicros(value) : label.endsWith("MB/s") ?
                String.format(Locale.ROOT, "%.0f", value) : Charts.formatRate(value);
            return note == null ? figure : figure + " (" + note + ")";
        }

        String ratio(final String ours, final String peer)
        {
            final Double a = values.get(ours);
            final Double b = values.get(peer);
            if (!compared || a == null || b == null || a.isNaN() || b.isNaN() || a <= 0 || b <= 0)
            {
                return "—";
            }
            final List<String> asides = new ArrayList<>(2);
            final String spread = spread(rounds.get(ours), rounds.get(peer));
            if (!spread.isEmpty())
            {
                asides.add(spread);
            }
            if (lowerIsBetter)
            {
                asides.add("lower is better");
            }
            return String.format(Locale.ROOT, "%.2f×", a / b) +
                (asides.isEmpty() ? "" : " (" + String.join("; ", asides) + ")");
        }

        /** {@code value} of each of {@code result}'s rounds in order, NaN for a round that did not run. */
        static double[] figures(final RunResult result, final java.util.function.ToDoubleFunction<RunResult> value)
        {
            return result.roundsOrSelf().stream().mapToDouble(r -> r.ran() ? value.applyAsDouble(r) : Double.NaN)
                .toArray();
        }

        /**
         * The lowest and highest of the ratios round by round ({@code ours[i] / theirs[i]}: the brokers alternate
         * within a round, so each pair ran minutes apart at most), as "0.95–1.40 by round", leaving out a round in
         * which either lacks a figure; empty unless two rounds remain.
         */
        static String spread(final double[] ours, final double[] theirs)
        {
            if (ours == null || theirs == null || ours.length != theirs.length)
            {
                return "";
            }
            double low = Double.POSITIVE_INFINITY;
            double high = Double.NEGATIVE_INFINITY;
            int pairs = 0;
            for (int i = 0; i < ours.length; i++)
            {
                final double ratio = ours[i] / theirs[i];
                if (!Double.isNaN(ratio) && !Double.isInfinite(ratio) && ratio > 0)
                {
                    low = Math.min(low, ratio);
                    high = Math.max(high, ratio);
                    pairs++;
                }
            }
            return pairs < 2 ? "" : String.format(Locale.ROOT, "%.2f–%.2f by round", low, high);
        }
    }
}
