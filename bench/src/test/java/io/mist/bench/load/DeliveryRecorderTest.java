package io.mist.bench.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latency arithmetic: measured from the intended send time, so a stall counts for every message it delays. */
class DeliveryRecorderTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long now;
    private final DeliveryRecorder recorder = new DeliveryRecorder(() -> now);

    private void deliver(final long stamp, final long arrival)
    {
        now = arrival;
        final byte[] payload = Payloads.create(64);
        Payloads.stamp(payload, stamp);
        recorder.onMessage(payload, 0, payload.length);
    }

    @Test
    void aStallCountsForEveryMessageItHeldUpNotJustTheFirst()
    {
        // 1,000 msgs/s for 100 ms; the broker stalls from 10 ms to 60 ms, then delivers the backlog at once.
        final FixedRateSchedule schedule = new FixedRateSchedule(0, 1_000, 1, 0);
        recorder.measureLatency(0, 100 * MS);
        for (int i = 0; i < 100; i++)
        {
            final long intended = schedule.intendedNanos(i);
            final long arrival = intended >= 10 * MS && intended < 60 * MS ? 60 * MS : intended + 100_000;
            deliver(intended, arrival);
        }
        final Histogram latency = recorder.takeLatencies();
        assertEquals(100, latency.getTotalCount());
        // The 50 held-up messages waited 50 ms, 49 ms, ... 1 ms: half of all values are at least 1 ms, and 25 of
        // them at least 26 ms. Recording from the actual send time of a publisher blocked by the stall would show
        // one slow message instead.
        assertEquals(50, countAtLeast(latency, 1 * MS));
        assertEquals(25, countAtLeast(latency, 26 * MS));
        assertWithin(50 * MS, latency.getMaxValue());
        assertWithin(100_000, latency.getValueAtPercentile(25));
        assertWithin(25 * MS, latency.getValueAtPercentile(75));
    }

    @Test
    void onlyMessagesIntendedInsideTheWindowAreRecordedButAllAreCounted()
    {
        recorder.measureLatency(10 * MS, 20 * MS);
        deliver(9 * MS, 9 * MS + 1_000); // warm-up
        deliver(10 * MS, 12 * MS);
        deliver(19 * MS, 19 * MS + 5_000);
        deliver(20 * MS, 20 * MS + 1_000); // after the window
        final Histogram latency = recorder.takeLatencies();
        assertEquals(2, latency.getTotalCount());
        assertWithin(2 * MS, latency.getMaxValue());
        assertEquals(4, recorder.received());
        assertEquals(4 * 64, recorder.receivedBytes());
    }

    @Test
    void withoutALatencyWindowNothingIsRecordedAndForeignPayloadsAreCounted()
    {
        deliver(5, 10);
        assertEquals(0, recorder.takeLatencies().getTotalCount());
        recorder.measureLatency(0, Long.MAX_VALUE);
        final byte[] foreign = "not a stamp at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        recorder.onMessage(foreign, 0, foreign.length);
        assertEquals(1, recorder.foreign());
        assertEquals(2, recorder.received());
    }

    private static long countAtLeast(final Histogram histogram, final long value)
    {
        return histogram.getCountBetweenValues(histogram.lowestEquivalentValue(value), histogram.getMaxValue());
    }

    private static void assertWithin(final long expected, final long actual)
    {
        assertTrue(Math.abs(expected - actual) <= expected / 500 + 1, "expected ~" + expected + ", got " + actual);
    }
}
