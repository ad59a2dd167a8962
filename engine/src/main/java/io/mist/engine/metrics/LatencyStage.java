package io.mist.engine.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The latency of one stage of the data path, recorded in nanoseconds by the threads that see the stage end and read
 * as a {@link LatencySnapshot}. Each writer records into a {@link SingleWriterRecorder} of its own (wait-free, no
 * allocation, no lock): the matcher takes one with {@link #newRecorder()}, each IO thread one with {@link #recorder()},
 * once at setup; then {@link #record} per value. Readers ({@code /metrics},
 * the stats log line) take snapshots; a maintenance thread calls {@link #rotate} every {@link #SLOT_NANOS}, so the
 * quantiles cover the last {@link #WINDOW_SLOTS} slots (one minute) while counts and sums cover the process lifetime.
 */
public final class LatencyStage
{
    /** Values above this (10 minutes) are recorded as this. */
    public static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** Each slot of the sliding window covers this long. */
    public static final long SLOT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Slots in the sliding window. */
    public static final int WINDOW_SLOTS = 6;
    private static final int SIGNIFICANT_DIGITS = 2;

    private final String name;
    private final String help;
    private final List<SingleWriterRecorder> recorders = new CopyOnWriteArrayList<>();
    private final ThreadLocal<SingleWriterRecorder> perThread = ThreadLocal.withInitial(this::newRecorder);

    // Reader state, guarded by this.
    private final Histogram[] window = new Histogram[WINDOW_SLOTS];
    private final Histogram total = newHistogram();
    private final Histogram merged = newHistogram();
    private final Histogram interval = newHistogram();
    private int current;

    /**
     * @param name the metric's name without prefix or unit, e.g. {@code ingress_to_matcher}.
     * @param help one line saying where the stage starts and ends.
     */
    public LatencyStage(final String name, final String help)
    {
        this.name = name;
        this.help = help;
        for (int i = 0; i < WINDOW_SLOTS; i++)
        {
            window[i] = newHistogram();
        }
    }

    public String name()
    {
        return name;
    }

    public String help()
    {
        return help;
    }

    /** The calling thread's recorder, created on first use. Call once per writer at setup, not per value. */
    public SingleWriterRecorder recorder()
    {
        return perThread.get();
    }

    /** Records {@code nanos} (clamped to 0..{@link #HIGHEST_NANOS}) on the calling thread's own recorder. */
    public static void record(final SingleWriterRecorder recorder, final long nanos)
    {
        recorder.recordValue(nanos < 0 ? 0 : Math.min(nanos, HIGHEST_NANOS));
    }

    /** Records {@code count} values of {@code nanos} at once (one batch's messages). Writer thread. */
    public static void record(final SingleWriterRecorder recorder, final long nanos, final long count)
    {
        recorder.recordValueWithCount(nanos < 0 ? 0 : Math.min(nanos, HIGHEST_NANOS), count);
    }

    /** Moves what the writers recorded since the last call into the current slot and the lifetime totals. */
    private void harvest()
    {
        for (final SingleWriterRecorder recorder : recorders)
        {
            recorder.getIntervalHistogramInto(interval);
            window[current].add(interval);
            total.add(interval);
        }
    }

    /** Maintenance thread: harvests, then starts a new slot, forgetting the oldest. */
    public synchronized void rotate()
    {
        harvest();
        current = (current + 1) % WINDOW_SLOTS;
        window[current].reset();
    }

    /** Any thread: the quantiles of the sliding window and the lifetime count and sum. */
    public synchronized LatencySnapshot snapshot()
    {
        harvest();
        merged.reset();
        for (final Histogram slot : window)
        {
            merged.add(slot);
        }
        final long count = total.getTotalCount();
        return new LatencySnapshot(count, count == 0 ? 0 : Math.round(total.getMean() * count),
            merged.getTotalCount(), merged.getValueAtPercentile(50), merged.getValueAtPercentile(90),
            merged.getValueAtPercentile(99), merged.getValueAtPercentile(99.9), merged.getValueAtPercentile(99.99),
            merged.getMaxValue());
    }

    /** A recorder for one more writer; read with the others from then on. */
    public SingleWriterRecorder newRecorder()
    {
        final SingleWriterRecorder recorder = new SingleWriterRecorder(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
        recorders.add(recorder);
        return recorder;
    }

    private static Histogram newHistogram()
    {
        return new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    }
}
