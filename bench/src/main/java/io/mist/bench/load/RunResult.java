package io.mist.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What one broker did in one run. Rates are over the measured window; counts over the whole run (warm-up included)
 * after the deliveries in flight were waited for.
 *
 * @param published messages published per second.
 * @param delivered deliveries received per second, summed over subscribers.
 * @param deliveredBytes payload bytes received per second.
 * @param expected deliveries the messages sent should have produced.
 * @param received deliveries received.
 * @param latency nanoseconds from intended send time to arrival (latency mode), else null.
 * @param note why the broker was not run, or null.
 */
public record RunResult(String broker, double published, double delivered, double deliveredBytes, long sent,
    long expected, long received, Histogram latency, String note)
{
    /** Deliveries the broker lost (or that had not arrived when the run gave up waiting). */
    public long lost()
    {
        return Math.max(0, expected - received);
    }

    /** A broker that cannot express the scenario, or could not be reached. */
    public static RunResult skipped(final String broker, final String note)
    {
        return new RunResult(broker, 0, 0, 0, 0, 0, 0, null, note);
    }

    public boolean ran()
    {
        return note == null;
    }
}
