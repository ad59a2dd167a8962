package io.mist.engine.metrics;

import org.HdrHistogram.SingleWriterRecorder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyStageTest
{
    private final LatencyStage stage = new LatencyStage("test", "A test stage.");

    @Test
    void snapshotMergesEveryWritersValues() throws Exception
    {
        final SingleWriterRecorder first = stage.newRecorder();
        for (int i = 1; i <= 90; i++)
        {
            LatencyStage.record(first, 1_000); // 1 µs
        }
        final Thread other = new Thread(() ->
        {
            final SingleWriterRecorder own = stage.recorder();
            for (int i = 0; i < 10; i++)
            {
                LatencyStage.record(own, 1_000_000); // 1 ms
            }
        });
        other.start();
        other.join();

        final LatencySnapshot snapshot = stage.snapshot();
        assertEquals(100, snapshot.count());
        assertEquals(100, snapshot.windowCount());
        assertWithinPrecision(1_000, snapshot.p50());
        assertWithinPrecision(1_000, snapshot.p90());
        assertWithinPrecision(1_000_000, snapshot.p99());
        assertWithinPrecision(1_000_000, snapshot.max());
        assertWithinPrecision(90 * 1_000L + 10 * 1_000_000L, snapshot.sumNanos());
    }

    @Test
    void windowForgetsOldSlotsButTotalsRemain()
    {
        final SingleWriterRecorder recorder = stage.newRecorder();
        LatencyStage.record(recorder, 5_000_000);
        stage.rotate();
        LatencyStage.record(recorder, 2_000);
        assertEquals(2, stage.snapshot().windowCount());
        assertWithinPrecision(5_000_000, stage.snapshot().max());

        for (int i = 1; i < LatencyStage.WINDOW_SLOTS; i++)
        {
            stage.rotate(); // the 5 ms value's slot is the oldest, and is reused by the last rotation
        }
        final LatencySnapshot snapshot = stage.snapshot();
        assertEquals(2, snapshot.count());
        assertEquals(1, snapshot.windowCount());
        assertWithinPrecision(2_000, snapshot.max());

        stage.rotate();
        assertEquals(0, stage.snapshot().windowCount());
        assertEquals(0, stage.snapshot().p99());
        assertEquals(2, stage.snapshot().count());
    }

    @Test
    void outOfRangeValuesAreClampedNotThrown()
    {
        final SingleWriterRecorder recorder = stage.newRecorder();
        LatencyStage.record(recorder, -5);
        LatencyStage.record(recorder, Long.MAX_VALUE);
        final LatencySnapshot snapshot = stage.snapshot();
        assertEquals(2, snapshot.count());
        assertWithinPrecision(LatencyStage.HIGHEST_NANOS, snapshot.max());
    }

    /** Two significant digits: within 1 %. */
    private static void assertWithinPrecision(final long expected, final long actual)
    {
        assertTrue(Math.abs(actual - expected) <= expected / 100 + 1, "expected ~" + expected + ", got " + actual);
    }
}
