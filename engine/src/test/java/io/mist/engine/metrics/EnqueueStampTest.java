package io.mist.engine.metrics;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnqueueStampTest
{
    @Test
    void elapsedIsExactToTheUnit()
    {
        final long enqueued = 123_456_789_000L;
        final long written = enqueued + 250_000; // 250 µs later
        final long elapsed = EnqueueStamp.elapsedNanos(EnqueueStamp.of(enqueued), EnqueueStamp.of(written));
        assertTrue(Math.abs(elapsed - 250_000) <= 1024, "elapsed " + elapsed);
    }

    @Test
    void elapsedSurvivesTheStampWrappingAround()
    {
        final long unit = 1024;
        final long wrap = (1L << 31) * unit;
        final long enqueued = 7 * wrap - 3 * unit; // just before the 31-bit stamp wraps to 0
        final long written = enqueued + TimeUnit.SECONDS.toNanos(2);
        assertTrue(EnqueueStamp.of(written) < EnqueueStamp.of(enqueued));
        final long elapsed = EnqueueStamp.elapsedNanos(EnqueueStamp.of(enqueued), EnqueueStamp.of(written));
        assertTrue(Math.abs(elapsed - TimeUnit.SECONDS.toNanos(2)) <= unit * 2, "elapsed " + elapsed);
    }

    @Test
    void aStampLaterThanTheDrainReadsAsZero()
    {
        final long drain = 99_000_000_000L;
        assertEquals(0, EnqueueStamp.elapsedNanos(EnqueueStamp.of(drain + 50_000), EnqueueStamp.of(drain)));
    }

    @Test
    void stampIsNeverZeroBecauseAgronaNeedsAPositiveTypeId()
    {
        assertEquals(1, EnqueueStamp.of(0));
        assertEquals(1, EnqueueStamp.of((1L << 31) << 10));
        assertTrue(EnqueueStamp.of(-1) > 0);
    }
}
