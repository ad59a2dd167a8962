package io.mist.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuSetTest
{
    private static final CpuSet TWO = CpuSet.parse("--x", "2,5", CpuSet.NONE);

    @Test
    void listsRangesAndBothTogetherParse()
    {
        final CpuSet set = CpuSet.parse("--io-cpus", "0-2, 5", CpuSet.NONE);
        for (int cpu = 0; cpu < 7; cpu++)
        {
            assertEquals(cpu <= 2 || cpu == 5, set.contains(cpu), "CPU " + cpu);
        }
        assertEquals("0-2,5", set.toString(), "rendered as taskset takes it, for taskset and the log");
        assertEquals("0-3,7,9-10", CpuSet.parse("--io-cpus", "10,9,7,0-1,2-3", CpuSet.NONE).toString());
        assertEquals(CpuSet.parse("--io-cpus", "0,1,2,5", CpuSet.NONE), set);
        assertEquals(4, set.size());
        assertEquals(0, CpuSet.NONE.size());
    }

    @Test
    void noneAndMinusOneMeanNotPinned()
    {
        assertTrue(CpuSet.parse("--matcher-cpu", "none", TWO).isEmpty());
        assertTrue(CpuSet.parse("--matcher-cpu", "-1", TWO).isEmpty());
        assertEquals("none", CpuSet.NONE.toString());
    }

    @Test
    void autoPinsToTheLastOfExactlyTwoAllowedCpus()
    {
        assertEquals("5", CpuSet.parse("--matcher-cpu", "auto", TWO).toString());
        assertEquals("5", CpuSet.auto(TWO).toString());
        assertTrue(CpuSet.auto(CpuSet.parse("--x", "3", CpuSet.NONE)).isEmpty(), "one CPU: nothing to choose");
        assertTrue(CpuSet.auto(CpuSet.parse("--x", "0-3", CpuSet.NONE)).isEmpty(), "more than two: the scheduler");
        assertTrue(CpuSet.auto(CpuSet.NONE).isEmpty(), "unknown: the scheduler");
    }

    @Test
    void badListsAreRefusedNamingTheFlag()
    {
        for (final String bad : new String[] {"", "x", "1-", "-", "3-1", "1,,2", "1.5", "99999999", "0x1", "-2"})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> CpuSet.parse("--io-cpus", bad, CpuSet.NONE), bad);
            assertEquals("--io-cpus must be auto, none or a list of CPUs such as 1, 0-3 or 1,3; got " + bad,
                ex.getMessage());
        }
    }

    @Test
    void aCpuTheProcessMayNotUseIsRefused()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> CpuSet.parse("--matcher-cpu", "2-4", TWO));
        assertEquals("--matcher-cpu names CPU 3, which this process may not run on (it may use CPUs 2,5)",
            ex.getMessage());
        assertEquals("5", CpuSet.parse("--matcher-cpu", "5", TWO).toString());
    }

    @Test
    void theAllowedCpusOfThisProcessAreKnownOnLinux()
    {
        final CpuSet allowed = CpuSet.allowed();
        if (System.getProperty("os.name").toLowerCase().contains("linux"))
        {
            assertFalse(allowed.isEmpty(), "/proc/self/status has Cpus_allowed_list");
            int count = 0;
            for (int cpu = 0; cpu < 65_536; cpu++)
            {
                count += allowed.contains(cpu) ? 1 : 0;
            }
            assertTrue(count >= Runtime.getRuntime().availableProcessors(), allowed.toString());
        }
    }
}
