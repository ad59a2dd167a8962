package io.mist.engine.metrics;

/**
 * The enqueue time carried by each outbound ring record in its (otherwise unused) type id: {@code System.nanoTime()}
 * in units of 1,024 ns, in 31 bits, never 0 (Agrona needs a positive type id). Differences are read as signed 31-bit
 * numbers, so they are right within ±2^30 units (18 minutes): a frame held in a stalled client's ring for longer reads
 * wrong. A frame enqueued after its drain began reads as 0. Stateless.
 */
public final class EnqueueStamp
{
    /** The stamp of records written while latency histograms are off. */
    public static final int NONE = 1;
    private static final int SHIFT = 10;
    private static final int MASK = 0x7FFF_FFFF;

    private EnqueueStamp()
    {
    }

    /** The stamp for a frame enqueued at {@code nanoTime}. */
    public static int of(final long nanoTime)
    {
        final int stamp = (int)(nanoTime >>> SHIFT) & MASK;
        return stamp == 0 ? 1 : stamp;
    }

    /** Nanoseconds (to 1,024 ns) from a frame's {@code stamp} to {@code nowStamp}; 0 when the stamp is later. */
    public static long elapsedNanos(final int stamp, final int nowStamp)
    {
        final int units = (nowStamp - stamp) << 1 >> 1; // the 31-bit difference, sign-extended
        return units <= 0 ? 0 : (long)units << SHIFT;
    }
}
