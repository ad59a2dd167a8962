package io.mist.bench.load;

/**
 * When each message of a fixed-rate publisher is meant to be sent. Latency is measured from this intended time, not
 * from when the message actually went out: if the publisher (or the broker pushing back on it) falls behind, the
 * messages that should have been sent meanwhile still count the whole delay, so stalls are not hidden
 * (coordinated omission). Immutable.
 */
public final class FixedRateSchedule
{
    private final long startNanos;
    private final long ratePerSecond;
    private final long offsetNanos;

    /**
     * @param startNanos the intended time of message 0 of publisher 0.
     * @param totalRate messages per second from all publishers together.
     * @param publishers how many publishers share the rate; publisher {@code p} is offset by {@code p/publishers} of
     *     an interval, so together they send evenly.
     */
    public FixedRateSchedule(final long startNanos, final long totalRate, final int publishers, final int publisher)
    {
        if (totalRate < publishers)
        {
            throw new IllegalArgumentException("rate " + totalRate + " is below one message per second per publisher");
        }
        this.startNanos = startNanos;
        this.ratePerSecond = totalRate / publishers;
        this.offsetNanos = 1_000_000_000L * publisher / totalRate;
    }

    /** The intended send time of this publisher's message {@code index} (0-based). */
    public long intendedNanos(final long index)
    {
        // Exact for any index below 9.2e9 (the product stays within a long); no drift accumulates.
        return startNanos + offsetNanos + index * 1_000_000_000L / ratePerSecond;
    }

    /** The first index whose intended time is at or after {@code nanos}. */
    public long indexAt(final long nanos)
    {
        final long elapsed = nanos - startNanos - offsetNanos;
        if (elapsed <= 0)
        {
            return 0;
        }
        long index = elapsed * ratePerSecond / 1_000_000_000L;
        while (intendedNanos(index) < nanos)
        {
            index++;
        }
        return index;
    }
}
