package io.mist.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One subscriber's side of a run: counts its deliveries and, when recording latency, records for each delivery the
 * time from the stamp in its payload (the intended send time) to its arrival, if that stamp lies in the measured
 * window. Its {@link Broker.DeliverySink} is called by the subscriber's one client thread; the counts and the
 * histogram may be read by any thread.
 */
public final class DeliveryRecorder implements Broker.DeliverySink
{
    /** Latencies above this (one minute) are recorded as this. */
    static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong receivedBytes = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final SingleWriterRecorder latency = new SingleWriterRecorder(1, HIGHEST_NANOS, 3);
    private final LongSupplier clock;
    private volatile boolean recordLatency;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    public DeliveryRecorder()
    {
        this(System::nanoTime);
    }

    /** @param clock the arrival clock; {@code System::nanoTime} except in tests. */
    DeliveryRecorder(final LongSupplier clock)
    {
        this.clock = clock;
    }

    /** Records latencies of messages stamped within {@code [start, end)}; call before sending starts. */
    public void measureLatency(final long start, final long end)
    {
        windowStart = start;
        windowEnd = end;
        recordLatency = true;
    }

    @Override
    public void onMessage(final byte[] buffer, final int offset, final int length)
    {
        received.lazySet(received.get() + 1);
        receivedBytes.lazySet(receivedBytes.get() + length);
        if (recordLatency)
        {
            final long stamp = Payloads.stampOf(buffer, offset, length);
            if (stamp == Payloads.NO_STAMP)
            {
                foreign.lazySet(foreign.get() + 1);
            }
            else if (stamp >= windowStart && stamp < windowEnd)
            {
                final long nanos = clock.getAsLong() - stamp;
                latency.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
            }
        }
    }

    public long received()
    {
        return received.get();
    }

    public long receivedBytes()
    {
        return receivedBytes.get();
    }

    /** Deliveries whose payload carried no stamp (not sent by this harness). */
    public long foreign()
    {
        return foreign.get();
    }

    /** The latencies recorded since the last call, in nanoseconds. */
    public Histogram takeLatencies()
    {
        return latency.getIntervalHistogram();
    }
}
