package io.mist.engine.outbound;

import io.mist.engine.ring.PayloadPool;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Large messages held once for all their receivers: the matcher thread keeps a publish's payload array (borrowed from
 * the {@link PayloadPool}) in a slot here and writes each receiver's {@link OutboundRing} a {@link #RECORD_LENGTH}-byte
 * reference to the slot instead of a copy of the bytes; each ring's consumer reads the bytes through the reference
 * and gives the reference back. The last one to give it back returns the array to the pool. Without it a 16 KiB
 * message to four subscribers was copied four times by the matcher into rings that no cache held, a fifth of the
 * broker's time.
 * <p>
 * The matcher {@linkplain #claim claims} a slot on a publish's first receiver and {@linkplain #settle settles} it with
 * the number of references written once the publish is matched; consumers (IO threads, the retention store)
 * {@linkplain #release release} one reference each, possibly before the settle: a claimed slot counts an unsettled
 * bias, so it cannot reach its end early. A frame is shared only while the pool's arrays in use (requests on their way
 * to the matcher and frames shared) stay within {@code budget} bytes; beyond it, or with every slot in use,
 * {@link #claim} refuses and the matcher copies as it does for small messages. Lock-free; nothing allocated per
 * message.
 * <p>
 * A consumer may {@linkplain #keepCopy keep a copy} of a slot's frame in another form (a socket writer's direct
 * buffer) for the slot's other consumers to use instead of making their own; it is released with the slot.
 */
public final class SharedFrames
{
    /** A reference record's first byte: no frame starts with it (frames begin with '{', markers with 0). */
    public static final byte FIRST = 1;
    /** A reference record: {@link #FIRST}, three bytes of padding, the slot as an int. */
    public static final int RECORD_LENGTH = 8;
    /** The answer of {@link #claim} when the message is to be copied instead. */
    public static final int NONE = -1;
    static final int SLOTS = 1 << 14;
    /** Slots tried per claim before giving up (slots mostly come back in the order they were claimed). */
    static final int PROBES = 64;
    /** A claimed slot's count: its outstanding references plus one; 0 is a free slot. */
    private static final int IN_USE = 1;
    /** Added at the claim and taken off at the settle, so that releases before the settle cannot end the slot. */
    private static final int UNSETTLED = 1 << 30;

    private final byte[][] arrays = new byte[SLOTS][];
    private final int[] lengths = new int[SLOTS];
    private final AtomicIntegerArray counts = new AtomicIntegerArray(SLOTS);
    private final AtomicReferenceArray<Object> copies = new AtomicReferenceArray<>(SLOTS);
    /** How each slot's copy is released; written by the consumer that kept the copy, before the copy. */
    private final AtomicReferenceArray<Consumer<Object>> copyReleases = new AtomicReferenceArray<>(SLOTS);
    private final PayloadPool pool;
    private final long budget;
    /** Where the next claim starts looking; matcher thread only. */
    private int cursor;

    /** @param budget the most bytes of the pool's arrays in use at once ({@code --inbound-buffer-size}). */
    public SharedFrames(final PayloadPool pool, final long budget)
    {
        this.pool = pool;
        this.budget = budget;
    }

    /**
     * Takes a slot for {@code array}, whose first {@code length} bytes are the frame: from now on the pool counts it
     * as shared, and the caller hands the array over (and {@link #settle settles} the slot) once the message is
     * matched. Matcher thread.
     *
     * @return the slot, or {@link #NONE} when the budget is spent (by shared frames and requests on their way to the
     *     matcher) or no slot is free: copy the frame instead.
     */
    public int claim(final byte[] array, final int length)
    {
        // The array is still lent (counted in lentBytes) until it is shared below.
        if (pool.lentBytes() + pool.sharedBytes() > budget)
        {
            return NONE;
        }
        for (int probe = 0; probe < PROBES; probe++)
        {
            final int slot = cursor;
            cursor = (cursor + 1) & (SLOTS - 1);
            if (counts.get(slot) == 0)
            {
                arrays[slot] = array;
                lengths[slot] = length;
                // Visible to a consumer before any reference to the slot is: ring records are written after this.
                counts.set(slot, IN_USE + UNSETTLED);
                pool.share(array);
                return slot;
            }
        }
        return NONE;
    }

    /** The matcher wrote {@code references} reference records to {@code slot}: the slot ends with the last release. */
    public void settle(final int slot, final int references)
    {
        if (counts.addAndGet(slot, references - UNSETTLED) == IN_USE)
        {
            free(slot);
        }
    }

    /** One reference to {@code slot} is written (or its ring discarded). The consumer's thread. */
    public void release(final int slot)
    {
        if (counts.decrementAndGet(slot) == IN_USE)
        {
            free(slot);
        }
    }

    private void free(final int slot)
    {
        final byte[] array = arrays[slot];
        arrays[slot] = null; // not kept reachable from here once the pool has let it go
        final Object copy = copies.getAndSet(slot, null);
        final Consumer<Object> release = copyReleases.getAndSet(slot, null);
        counts.set(slot, 0); // after the array and the copy are taken: the matcher may claim the slot from here on
        pool.releaseShared(array);
        if (copy != null)
        {
            release.accept(copy);
        }
    }

    /**
     * The copy of {@code slot}'s frame that a consumer {@linkplain #keepCopy kept}, or null. Valid while the caller
     * holds a reference to the slot (before its {@link #release}).
     */
    public Object copy(final int slot)
    {
        return copies.get(slot);
    }

    /**
     * Keeps {@code copy} of {@code slot}'s frame for the slot's other consumers, unless one kept a copy first; the
     * kept copy is handed to {@code release} when the slot ends. The caller must hold a reference to the slot; every
     * consumer of a slot must make its copies alike, as they use each other's. Any consumer thread.
     *
     * @return the copy kept: {@code copy}, or the one kept first, in which case {@code copy} remains the caller's.
     */
    public Object keepCopy(final int slot, final Object copy, final Consumer<Object> release)
    {
        final Object kept = copies.get(slot);
        if (kept != null)
        {
            return kept;
        }
        copyReleases.compareAndSet(slot, null, release); // the same releaser from every consumer that races here
        return copies.compareAndSet(slot, null, copy) ? copy : copies.get(slot);
    }

    /** The array a reference points to; valid until the reference is released. */
    public byte[] array(final int slot)
    {
        return arrays[slot];
    }

    /** The frame's length in {@link #array(int)}. */
    public int length(final int slot)
    {
        return lengths[slot];
    }

    /** Slots in use now (a gauge for tests and metrics). */
    public int inUse()
    {
        int inUse = 0;
        for (int slot = 0; slot < SLOTS; slot++)
        {
            inUse += counts.get(slot) == 0 ? 0 : 1;
        }
        return inUse;
    }

    /** Writes the reference record of {@code slot} at {@code out[0, RECORD_LENGTH)}. */
    static void writeRecord(final MutableDirectBuffer out, final int slot)
    {
        out.putInt(0, 0);
        out.putByte(0, FIRST);
        out.putInt(4, slot);
    }

    /** Whether the record at {@code index} is a reference. */
    static boolean isRecord(final DirectBuffer buffer, final int index, final int length)
    {
        return length == RECORD_LENGTH && buffer.getByte(index) == FIRST;
    }

    /** The slot a reference record names. */
    static int slot(final DirectBuffer buffer, final int index)
    {
        return buffer.getInt(index + 4);
    }
}
