package io.mist.bench.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SuiteRowTest
{
    /** mist: 80 % CPU, 60 % of a core in the kernel, 8,000 switches/s; Redis: 50 %, 45 %, 2,000; both 20,000/s. */
    private final List<RunResult> results = List.of(
        new RunResult("mist", 5000, 20000, 2.56e6, 15000, 60000, 60000, null, 80.0, null, 60.0, 8000),
        new RunResult("redis", 5000, 20000, 2.56e6, 15000, 60000, 60000, null, 50.0, null, 45.0, 2000),
        RunResult.skipped("nats", "failed: refused"));

    @Test
    void theKernelsShareIsShownPerBrokerWithoutARatio()
    {
        final Suite.Row row = Suite.Row.systemShare("share", results);
        assertEquals("75 %", row.cell("mist"));
        assertEquals("90 %", row.cell("redis"));
        assertEquals("did not run", row.cell("nats"));
        assertEquals("—", row.ratio("mist", "redis"), "a share is where the time goes, not a score");
    }

    @Test
    void contextSwitchesPerDeliveryAreComparedLowerBeingBetter()
    {
        final Suite.Row row = Suite.Row.switchesPerDelivery("switches", results);
        assertEquals("0.40", row.cell("mist"));
        assertEquals("0.10", row.cell("redis"));
        assertEquals("4.00× (lower is better)", row.ratio("mist", "redis"));
    }

    /** Beside the ratio of the medians, the lowest and highest ratio of one round's figures, round by round. */
    @Test
    void ratiosShowHowFarTheyMovedFromRoundToRound()
    {
        // mist 20k, 30k, 10k deliveries/s (median 20k); Redis 10k, 20k, 20k (median 20k): 2.0, 1.5 and 0.5 by round
        final RunResult mist = RunResult.median(List.of(delivering("mist", 20000, 80), delivering("mist", 30000, 60),
            delivering("mist", 10000, 70)));
        final RunResult redis = RunResult.median(List.of(delivering("redis", 10000, 40),
            delivering("redis", 20000, 60), delivering("redis", 20000, 50)));
        final Suite.Row rate = Suite.Row.throughput("rate", List.of(mist, redis));
        assertEquals("1.00× (0.50–2.00 by round)", rate.ratio("mist", "redis"));
        // CPU per delivery by round: mist 40, 20, 70 µs; Redis 40, 30, 25 µs: 1.00, 0.67 and 2.80; of the medians
        // (CPU 70 % and 50 % at 20k/s each) 35 against 25 µs
        final Suite.Row cpu = Suite.Row.cpuPerDelivery("cpu", List.of(mist, redis));
        assertEquals("1.40× (0.67–2.80 by round; lower is better)", cpu.ratio("mist", "redis"));
        // one round each: no spread to show
        assertEquals("1.00×", Suite.Row.throughput("one", List.of(delivering("mist", 5, 1), delivering("redis", 5, 1)))
            .ratio("mist", "redis"));
        assertEquals("", Suite.Row.spread(new double[] {1, 2}, new double[] {1, 0}), "one round left with figures");
        // a round in which one broker did not run is left out; the others still pair by round
        final RunResult gap = RunResult.median(List.of(delivering("mist", 20000, 80),
            RunResult.skipped("mist", "failed: x"), delivering("mist", 10000, 70), delivering("mist", 30000, 60)));
        final RunResult full = RunResult.median(List.of(delivering("redis", 10000, 40),
            delivering("redis", 40000, 60), delivering("redis", 20000, 50), delivering("redis", 20000, 50)));
        assertEquals("1.00× (0.50–2.00 by round)", Suite.Row.throughput("gap", List.of(gap, full))
            .ratio("mist", "redis"), "rounds 1, 3 and 4: 2.0, 0.5 and 1.5; round 2's 40k left out");
    }

    private static RunResult delivering(final String broker, final double delivered, final double cpu)
    {
        return new RunResult(broker, delivered, delivered, delivered * 128, 100, 100, 100, null, cpu, null, cpu / 2, 10);
    }
}
