package io.mist.engine.ring;

import io.mist.codec.ByteArrayPool;
import org.agrona.BitUtil;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The arrays that inbound ring slots borrow for payloads larger than their own: taken by producers (IO threads and
 * other publishers, any thread) while filling a slot, given back by the matcher thread once it has handled the slot.
 * Without it every slot would keep the largest payload that ever passed through it, ring size times frame size (half
 * a GiB for 16 KiB messages in the default ring), grown by allocation and garbage collection while traffic runs.
 * Arrays come in powers of two from 4 KiB to 1 MiB; each size keeps a bounded number idle, so the pool holds what the
 * payloads in flight need and at most {@link #IDLE_BYTES_PER_SIZE} more of each size. It also counts the bytes lent
 * out, which {@link InboundRing} holds within {@code --inbound-buffer-size}. Lock-free and allocation-free once warm.
 */
public final class PayloadPool implements ByteArrayPool
{
    /** Slots keep payload arrays of their own below this size; larger ones come from the pool. */
    public static final int POOLED_FROM = 4 * 1024;
    private static final int SMALLEST_SHIFT = Integer.numberOfTrailingZeros(POOLED_FROM);
    private static final int LARGEST_SHIFT = 20;
    /** Idle arrays kept per size, in bytes (at least two arrays). */
    static final int IDLE_BYTES_PER_SIZE = 8 * 1024 * 1024;

    private final ManyToManyConcurrentArrayQueue<byte[]>[] idle;
    private final AtomicLong allocations;
    private final AtomicLong lent = new AtomicLong();
    private final AtomicLong shared = new AtomicLong();

    public PayloadPool()
    {
        this(new AtomicLong());
    }

    /** @param allocations counts the arrays allocated because none of the size was idle. */
    @SuppressWarnings("unchecked")
    public PayloadPool(final AtomicLong allocations)
    {
        this.allocations = allocations;
        idle = new ManyToManyConcurrentArrayQueue[LARGEST_SHIFT - SMALLEST_SHIFT + 1];
        for (int shift = SMALLEST_SHIFT; shift <= LARGEST_SHIFT; shift++)
        {
            idle[shift - SMALLEST_SHIFT] = new ManyToManyConcurrentArrayQueue<>(
                Math.max(2, IDLE_BYTES_PER_SIZE >> shift));
        }
    }

    @Override
    public byte[] acquire(final int minCapacity)
    {
        final int shift = Math.max(SMALLEST_SHIFT,
            Integer.numberOfTrailingZeros(BitUtil.findNextPositivePowerOfTwo(minCapacity)));
        if (shift > LARGEST_SHIFT)
        {
            allocations.incrementAndGet();
            lent.addAndGet(minCapacity);
            return new byte[minCapacity]; // rarer than the frame limit allows by default: not kept
        }
        byte[] array = idle[shift - SMALLEST_SHIFT].poll();
        if (array == null)
        {
            allocations.incrementAndGet();
            array = new byte[1 << shift];
        }
        lent.addAndGet(array.length);
        return array;
    }

    @Override
    public void release(final byte[] array)
    {
        lent.addAndGet(-array.length);
        keep(array);
    }

    /**
     * A lent array becomes the one copy of a large message queued for its receivers
     * ({@link io.mist.engine.outbound.SharedFrames}): it no longer counts as a request on its way to the matcher
     * ({@link #lentBytes()}) but as {@link #sharedBytes()} until {@link #releaseShared}. Matcher thread.
     */
    public void share(final byte[] array)
    {
        shared.addAndGet(array.length);
        lent.addAndGet(-array.length);
    }

    /** Gives back an array {@link #share shared} once its last receiver has it written. Any thread. */
    public void releaseShared(final byte[] array)
    {
        shared.addAndGet(-array.length);
        keep(array);
    }

    private void keep(final byte[] array)
    {
        final int length = array.length;
        if (!BitUtil.isPowerOfTwo(length) || length < POOLED_FROM || length > 1 << LARGEST_SHIFT)
        {
            return;
        }
        idle[Integer.numberOfTrailingZeros(length) - SMALLEST_SHIFT].offer(array); // a full queue lets it go
    }

    /** Bytes in arrays lent out now: large requests on their way to the matcher. */
    public long lentBytes()
    {
        return lent.get();
    }

    /** Bytes in arrays {@link #share shared} now: large messages queued for their receivers. */
    public long sharedBytes()
    {
        return shared.get();
    }

    /** Arrays allocated so far because none of the size was idle. */
    public long allocations()
    {
        return allocations.get();
    }

    /** Bytes in idle arrays now (a gauge; the count moves while producers and the matcher use the pool). */
    public long idleBytes()
    {
        long bytes = 0;
        for (int i = 0; i < idle.length; i++)
        {
            bytes += (long)idle[i].size() << (SMALLEST_SHIFT + i);
        }
        return bytes;
    }
}
