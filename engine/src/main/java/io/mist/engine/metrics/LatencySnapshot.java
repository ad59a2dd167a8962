package io.mist.engine.metrics;

/**
 * One reading of a {@link LatencyStage}, in nanoseconds: lifetime {@code count} and {@code sumNanos} (the sum is
 * HdrHistogram's, exact to two significant digits per value), and the quantiles of the sliding window, which held
 * {@code windowCount} values (all quantiles are 0 when it held none). Immutable.
 */
public record LatencySnapshot(long count, long sumNanos, long windowCount, long p50, long p90, long p99, long p999,
    long p9999, long max)
{
}
