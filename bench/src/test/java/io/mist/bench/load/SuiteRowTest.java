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
}
