package io.mist.bench.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportsTest
{
    @TempDir
    Path directory;

    @Test
    void latencyRunWritesJsonWithRatiosHgrmPerBrokerAndAPlot() throws Exception
    {
        final RunSpec spec = new RunSpec(Scenario.FANOUT, RunSpec.Mode.LATENCY, 4, 128, Duration.ofSeconds(1),
            Duration.ofSeconds(2), 5_000, 0, 0, 0, 7);
        final RunResult mist = new RunResult("mist", 5000, 20000, 2.56e6, 15000, 60000, 60000, histogram(100_000),
            80.0, null, 60.0, 8000);
        final RunResult nats = new RunResult("nats", 5000, 10000, 1.28e6, 15000, 60000, 59990, histogram(200_000),
            Double.NaN, null);
        final String console = Reports.console(spec, List.of(mist, nats));
        assertTrue(console.contains("broker CPU 80 % (40.00 µs per delivery, 75 % of it in the kernel, 0.40 context " +
            "switches per delivery)"), console);
        final List<Path> files = Reports.write(directory, LocalDate.of(2026, 11, 23), spec, List.of(mist, nats),
            "mist-bench run --mode latency");
        assertEquals(List.of("2026-11-23-fanout-latency-4c-128b.json", "2026-11-23-fanout-latency-4c-128b-mist.hgrm",
            "2026-11-23-fanout-latency-4c-128b-nats.hgrm", "2026-11-23-fanout-latency-4c-128b.svg"),
            files.stream().map(f -> f.getFileName().toString()).toList());
        final String json = Files.readString(files.get(0));
        assertTrue(json.contains("\"mistDeliveredRatio\": 2.000"), json);
        assertTrue(json.contains("\"mistP99Ratio\": 0.500"), json);
        assertTrue(json.contains("\"lost\": 10"), json);
        assertTrue(json.contains("\"brokerCpuPercent\": 80.000"), json);
        assertTrue(json.contains("\"brokerCpuMicrosPerDelivery\": 40.000"), json); // 0.8 s of CPU / 20,000
        assertTrue(json.contains("\"brokerCpuPercent\": null"), json);
        assertTrue(json.contains("\"brokerSystemCpuPercent\": 60.000"), json);
        assertTrue(json.contains("\"brokerContextSwitchesPerDelivery\": 0.400"), json);
        assertTrue(json.contains("\"brokerContextSwitchesPerDelivery\": null"), json);
        assertTrue(json.contains("\"command\": \"mist-bench run --mode latency\""), json);
        assertTrue(json.contains("\"p99\": 100.0"), json);
        assertTrue(Files.readString(files.get(1)).contains("#[Mean"), "HdrHistogram's percentile format");
        final String svg = Files.readString(files.get(3));
        assertTrue(svg.startsWith("<svg") && svg.contains("<polyline"));
        for (final String axis : new String[] {">90%<", ">99%<", ">99.9%<", ">99.999%<"})
        {
            assertTrue(svg.contains(axis), "percentile axis label " + axis);
        }
    }

    /** A result of several rounds carries each round's rate, CPU per delivery and latency into the JSON. */
    @Test
    void eachRoundsFiguresAreWrittenBesideTheMedians() throws Exception
    {
        final RunSpec spec = new RunSpec(Scenario.FANOUT, RunSpec.Mode.LATENCY, 4, 128, Duration.ofSeconds(1),
            Duration.ofSeconds(2), 5_000, 0, 0, 0, 7);
        final RunResult mist = RunResult.median(List.of(
            new RunResult("mist", 5000, 20000, 2.56e6, 15000, 60000, 60000, histogram(100_000), 80.0, null),
            new RunResult("mist", 5000, 10000, 1.28e6, 15000, 60000, 60000, histogram(300_000), 40.0, null)));
        final String console = Reports.console(spec, List.of(mist));
        assertTrue(console.contains("; by round: delivered 20.0 k/s 10.0 k/s, p99 100 µs 300 µs"), console);
        final String json = Reports.json(LocalDate.of(2026, 11, 23), spec, List.of(mist), "mist-bench run");
        assertTrue(json.contains("\"rounds\": [{ \"deliveredPerSecond\": 20000.000, \"brokerCpuMicrosPerDelivery\": " +
            "40.000, \"p50Micros\": 100.0"), json);
        assertTrue(json.contains(", { \"deliveredPerSecond\": 10000.000, \"brokerCpuMicrosPerDelivery\": 40.000, " +
            "\"p50Micros\": 300."), json);
        final RunResult single = new RunResult("mist", 5000, 20000, 2.56e6, 15000, 60000, 60000, null, 80.0, null);
        assertFalse(Reports.json(LocalDate.of(2026, 11, 23), spec, List.of(single), "x").contains("\"rounds\""),
            "one run has no rounds to list");
    }

    @Test
    void aSecondRunOnTheSameDayDoesNotOverwriteTheFirst() throws Exception
    {
        final RunSpec spec = new RunSpec(Scenario.FANOUT, RunSpec.Mode.LATENCY, 4, 128, Duration.ofSeconds(1),
            Duration.ofSeconds(2), 5_000, 0, 0, 0, 7);
        final RunResult first = new RunResult("mist", 5000, 20000, 2.56e6, 15000, 60000, 60000, histogram(100_000),
            80.0, null);
        final RunResult second = new RunResult("mist", 5000, 30000, 2.56e6, 15000, 60000, 60000, histogram(100_000),
            80.0, null);
        final LocalDate day = LocalDate.of(2026, 11, 23);
        final List<Path> recorded = Reports.write(directory, day, spec, List.of(first), "first");
        final String committed = Files.readString(recorded.get(0));
        final List<Path> again = Reports.write(directory, day, spec, List.of(second), "second");
        final List<Path> third = Reports.write(directory, day, spec, List.of(second), "third");
        assertEquals(committed, Files.readString(recorded.get(0)), "the recorded run is kept");
        assertEquals(List.of("2026-11-23-fanout-latency-4c-128b-2.json", "2026-11-23-fanout-latency-4c-128b-2-mist.hgrm",
            "2026-11-23-fanout-latency-4c-128b-2.svg"), again.stream().map(f -> f.getFileName().toString()).toList());
        assertEquals("2026-11-23-fanout-latency-4c-128b-3.json", third.get(0).getFileName().toString());
        assertTrue(Files.readString(again.get(0)).contains("\"command\": \"second\""));
    }

    @Test
    void aClusterRunIsNamedApartFromTheSingleNodeRunsOfItsScenario() throws Exception
    {
        final RunSpec spec = new RunSpec(Scenario.FANOUT, RunSpec.Mode.THROUGHPUT, 4, 128, Duration.ofSeconds(1),
            Duration.ofSeconds(2), 0, 0, 0, 0, 7);
        final RunResult mist = new RunResult("mist", 5000, 20000, 2.56e6, 15000, 60000, 60000, null, 80.0, null);
        final RunResult cluster = new RunResult(MistClusterBroker.NAME, 5000, 20000, 2.56e6, 15000, 60000, 60000,
            null, 80.0, null);
        final LocalDate day = LocalDate.of(2026, 11, 28);
        assertEquals("2026-11-28-fanout-throughput-4c-128b.json",
            Reports.write(directory, day, spec, List.of(mist), "suite").get(0).getFileName().toString());
        assertEquals("2026-11-28-cluster-fanout-throughput-4c-128b.json",
            Reports.write(directory, day, spec, List.of(mist, cluster), "cluster").get(0).getFileName().toString());
    }

    @Test
    void summarySectionIsReplacedBetweenItsMarkersOrAppended() throws Exception
    {
        final Path readme = directory.resolve("README.md");
        Files.writeString(readme, "# Results\n\nintro\n");
        Suite.replaceSection(readme, "first\n");
        assertEquals("# Results\n\nintro\n\n" + Suite.BEGIN + "\nfirst\n" + Suite.END + "\n", Files.readString(readme));
        Files.writeString(readme, Files.readString(readme) + "\n## older\n");
        Suite.replaceSection(readme, "second\n");
        assertEquals("# Results\n\nintro\n\n" + Suite.BEGIN + "\nsecond\n" + Suite.END + "\n\n## older\n",
            Files.readString(readme));
    }

    private static Histogram histogram(final long nanos)
    {
        final Histogram histogram = new Histogram(1, DeliveryRecorder.HIGHEST_NANOS, 3);
        histogram.recordValueWithCount(nanos, 1000);
        return histogram;
    }
}
