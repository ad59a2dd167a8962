package io.mist.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuSetTest
{
    private static final CpuSet TWO = CpuSet.parse("--x", "2,5", CpuSet.NONE, CpuSet.NONE);

    @Test
    void listsRangesAndBothTogetherParse()
    {
        final CpuSet set = CpuSet.parse("--io-cpus", "0-2, 5", CpuSet.NONE, CpuSet.NONE);
        for (int cpu = 0; cpu < 7; cpu++)
        {
            assertEquals(cpu <= 2 || cpu == 5, set.contains(cpu), "CPU " + cpu);
        }
        assertEquals("0-2,5", set.toString(), "rendered as taskset takes it, for taskset and the log");
        assertEquals("0-3,7,9-10", CpuSet.parse("--io-cpus", "10,9,7,0-1,2-3", CpuSet.NONE, CpuSet.NONE).toString());
        assertEquals(CpuSet.parse("--io-cpus", "0,1,2,5", CpuSet.NONE, CpuSet.NONE), set);
        assertEquals(4, set.size());
        assertEquals(0, CpuSet.NONE.size());
    }

    @Test
    void noneAndMinusOneMeanNotPinned()
    {
        assertTrue(CpuSet.parse("--matcher-cpu", "none", TWO, CpuSet.lastOfTwo(TWO)).isEmpty());
        assertTrue(CpuSet.parse("--matcher-cpu", "-1", TWO, CpuSet.lastOfTwo(TWO)).isEmpty());
        assertEquals("none", CpuSet.NONE.toString());
    }

    @Test
    void autoIsWhatTheCallerChoseAndLastOfTwoNeedsExactlyTwo()
    {
        assertEquals("5", CpuSet.parse("--matcher-cpu", "auto", TWO, CpuSet.lastOfTwo(TWO)).toString());
        assertTrue(CpuSet.parse("--io-cpus", "AUTO", TWO, CpuSet.NONE).isEmpty());
        assertEquals("5", CpuSet.lastOfTwo(TWO).toString());
        for (final String other : new String[] {"3", "0-3"})
        {
            final CpuSet allowed = CpuSet.parse("--x", other, CpuSet.NONE, CpuSet.NONE);
            assertTrue(CpuSet.lastOfTwo(allowed).isEmpty(), "not two CPUs: the scheduler, " + other);
        }
        assertTrue(CpuSet.lastOfTwo(CpuSet.NONE).isEmpty(), "unknown: the scheduler");
    }

    @Test
    void containsAllComparesSets()
    {
        assertTrue(TWO.containsAll(CpuSet.lastOfTwo(TWO)));
        assertTrue(TWO.containsAll(CpuSet.NONE));
        assertFalse(CpuSet.lastOfTwo(TWO).containsAll(TWO));
    }

    @Test
    void badListsAreRefusedNamingTheFlag()
    {
        for (final String bad : new String[] {"", "x", "1-", "-", "3-1", "1,,2", "1.5", "99999999", "0x1", "-2"})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> CpuSet.parse("--io-cpus", bad, CpuSet.NONE, CpuSet.NONE), bad);
            assertEquals("--io-cpus must be auto, none or a list of CPUs such as 1, 0-3 or 1,3; got " + bad,
                ex.getMessage());
        }
    }

    @Test
    void aCpuTheProcessMayNotUseIsRefused()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> CpuSet.parse("--matcher-cpu", "2-4", TWO, CpuSet.NONE));
        assertEquals("--matcher-cpu names CPU 3, which this process may not run on (it may use CPUs 2,5)",
            ex.getMessage());
        assertEquals("5", CpuSet.parse("--matcher-cpu", "5", TWO, CpuSet.NONE).toString());
    }

    @Test
    void aStatusFilesAllowedListIsReadAndAMissingFileIsUnknown(@TempDir final Path dir) throws Exception
    {
        final Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tmist-io-3-1\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed:\t1\n");
        assertEquals("0-1", CpuSet.allowedBy(status).toString());
        assertTrue(CpuSet.allowedBy(dir.resolve("gone")).isEmpty(), "a thread that ended: unknown");
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
