package io.mist.bench.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FixedRateScheduleTest
{
    @Test
    void intendedTimesFollowTheRateWithoutDrift()
    {
        final FixedRateSchedule schedule = new FixedRateSchedule(1_000, 3, 1, 0);
        assertEquals(1_000, schedule.intendedNanos(0));
        assertEquals(1_000 + 333_333_333, schedule.intendedNanos(1));
        assertEquals(1_000 + 666_666_666, schedule.intendedNanos(2));
        assertEquals(1_000 + 1_000_000_000, schedule.intendedNanos(3));
        // a million seconds in, still exact: no accumulated rounding
        assertEquals(1_000 + 1_000_000L * 1_000_000_000L, schedule.intendedNanos(3_000_000));
    }

    @Test
    void publishersShareTheRateEvenly()
    {
        final long start = 0;
        final FixedRateSchedule first = new FixedRateSchedule(start, 4_000, 4, 0);
        final FixedRateSchedule third = new FixedRateSchedule(start, 4_000, 4, 2);
        assertEquals(0, first.intendedNanos(0));
        assertEquals(1_000_000, first.intendedNanos(1)); // each publisher: 1,000 msgs/s
        assertEquals(500_000, third.intendedNanos(0)); // offset by 2/4 of the overall 250 µs interval
        assertEquals(1_500_000, third.intendedNanos(1));
    }

    @Test
    void indexAtFindsTheFirstMessageDueAtOrAfterATime()
    {
        final FixedRateSchedule schedule = new FixedRateSchedule(0, 1_000, 1, 0);
        assertEquals(0, schedule.indexAt(-5));
        assertEquals(5, schedule.indexAt(5_000_000));
        assertEquals(6, schedule.indexAt(5_000_001));
    }

    @Test
    void refusesARateBelowOnePerPublisher()
    {
        assertThrows(IllegalArgumentException.class, () -> new FixedRateSchedule(0, 3, 4, 0));
    }
}
