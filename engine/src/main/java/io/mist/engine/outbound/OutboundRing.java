package io.mist.engine.outbound;

import io.mist.engine.metrics.EnqueueStamp;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

import static org.agrona.BitUtil.align;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.ALIGNMENT;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.HEADER_LENGTH;

/**
 * One client's bounded queue of encoded frames on their way to its socket: Agrona one-to-one rings in direct memory.
 * The matcher thread is the only producer ({@link #offer}); the client's IO thread is the only consumer
 * ({@link #drain}). A frame is enqueued whole or not at all; one larger than a ring record is split into
 * consecutive records, which the consumer writes back to back.
 * <p>
 * A client starts with a small ring ({@link #INITIAL_CAPACITY}), so that ten thousand quiet connections do not hold
 * ten thousand full-size buffers. When a frame does not fit, the producer moves on to a new ring of twice the size,
 * up to the capacity given ({@code --client-buffer-size}); only when the largest ring is full are frames dropped.
 * The consumer empties each ring before it follows the link to the next one, so frames keep their order;
 * a ring, once outgrown, is never written again, and the consumer frees it as soon as it has emptied it (not the
 * garbage collector, which a data path that allocates nothing may not run for hours, while direct memory fills). A
 * thread summing sizes ({@link #size}, {@link #allocated}) announces itself, and a ring it may be reading is freed
 * after it is done. While a stalled client's rings are still draining, it can hold up to about twice the capacity.
 * Growing allocates (a handful of times in a client's life), sending does not.
 * <p>
 * A large message can be queued by reference ({@link #offerShared}): a small record naming a {@link SharedFrames}
 * slot, whose bytes count against the capacity as if they were queued here. {@link #drain} hands the consumer the
 * frame's bytes in place of the record and gives the reference back, so consumers see frames only.
 */
public final class OutboundRing
{
    /** The first ring of a client whose capacity is larger: 16 KiB. */
    public static final int INITIAL_CAPACITY = 16 * 1024;

    /** One Agrona ring of the chain; {@link #next} is set by the producer once it has moved on. */
    private static final class Segment
    {
        final ByteBuffer memory;
        final OneToOneRingBuffer ring;
        final int capacity;
        final int maxRecord;
        volatile Segment next;
        /** Next in the consumer's list of outgrown rings waiting to be freed ({@code retired}). */
        Segment retiredNext;

        Segment(final int capacity)
        {
            // Direct memory: the ring's ordered 8-byte stores need the alignment a heap array cannot promise, and it
            // can be given back as soon as it is drained instead of waiting for a garbage collection.
            this.memory = ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH);
            this.ring = new OneToOneRingBuffer(new UnsafeBuffer(memory));
            this.capacity = capacity;
            this.maxRecord = ring.maxMsgLength();
        }

        /** Writes the frame whole, or nothing; see {@link OutboundRing#offer(DirectBuffer, int, int, int)}. */
        boolean offer(final DirectBuffer src, final int offset, final int length, final int stamp)
        {
            if (length <= maxRecord)
            {
                return ring.write(stamp, src, offset, length);
            }
            if (length > largestFrame(capacity))
            {
                return false;
            }
            final int records = (length + maxRecord - 1) / maxRecord;
            // Room for every record plus one record's worth of padding where the ring wraps; the consumer only frees
            // space, so once this holds every write below succeeds.
            final long needed = (long)records * align(maxRecord + HEADER_LENGTH, ALIGNMENT) +
                align(maxRecord + HEADER_LENGTH, ALIGNMENT);
            if (capacity - ring.size() < needed)
            {
                return false;
            }
            for (int at = offset, end = offset + length; at < end; at += maxRecord)
            {
                if (!ring.write(stamp, src, at, Math.min(maxRecord, end - at)))
                {
                    throw new IllegalStateException("outbound ring refused a record after its room was checked");
                }
            }
            return true;
        }
    }

    private static final VarHandle REFERENCED_IN;
    private static final VarHandle REFERENCED_OUT;
    private static final VarHandle READERS;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            REFERENCED_IN = lookup.findVarHandle(OutboundRing.class, "referencedIn", long.class);
            REFERENCED_OUT = lookup.findVarHandle(OutboundRing.class, "referencedOut", long.class);
            READERS = lookup.findVarHandle(OutboundRing.class, "readers", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int capacity;
    /** Whether growing into a larger ring may take more direct memory now. */
    private final DirectMemoryBudget budget;
    /**
     * Where reference records point; null for a ring that is never offered any, whose records are passed through as
     * they are (whatever bytes they hold: the reference record is told apart by content, which only mist's frames
     * guarantee never to share).
     */
    private final SharedFrames shared;
    /** Bytes of shared frames queued so far; written by the producer only. */
    @SuppressWarnings("unused") // through REFERENCED_IN
    private long referencedIn;
    /** Bytes of shared frames handed to the consumer (or discarded) so far; written by the consumer only. */
    @SuppressWarnings("unused") // through REFERENCED_OUT
    private long referencedOut;
    /** The producer's reference record. */
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[SharedFrames.RECORD_LENGTH]);
    /** Puts shared frames in place of their records on the way to the consumer's handler; consumer only. */
    private final Resolver resolver = new Resolver();
    /** The ring being written; producer only. */
    private Segment tail;
    /** The ring being read; written by the consumer only, read by anyone for {@link #size()}. */
    private volatile Segment head;
    /** Threads walking the rings from {@link #head} now ({@link #size}, {@link #allocated}). */
    @SuppressWarnings("unused") // through READERS
    private volatile int readers;
    /** Outgrown rings the consumer moved past while a reader was walking them, freed later; consumer only. */
    private Segment retired;
    /** Set by {@link #release()}: the rings are freed, and readers no longer walk them. */
    private volatile boolean released;

    /** @param capacity the largest ring in bytes ({@code --client-buffer-size}), a power of two of at least 1 KiB. */
    public OutboundRing(final int capacity)
    {
        this(capacity, null);
    }

    /** A ring that large messages can be queued to by reference, through {@code shared}. */
    public OutboundRing(final int capacity, final SharedFrames shared)
    {
        this(capacity, shared, DirectMemoryBudget.JVM);
    }

    /** A ring that grows only while {@code budget} allows. */
    OutboundRing(final int capacity, final SharedFrames shared, final DirectMemoryBudget budget)
    {
        this.capacity = capacity;
        this.shared = shared;
        this.budget = budget;
        this.tail = new Segment(Math.min(capacity, INITIAL_CAPACITY));
        this.head = tail;
    }

    /** The largest frame that an empty ring of this capacity can take; larger frames are refused at ingress. */
    public static int largestFrame(final int capacity)
    {
        return capacity / 2;
    }

    /** The error text for a frame of {@code encoded} bytes over {@code limit} ({@link #largestFrame}). */
    public static String tooLarge(final String what, final int encoded, final int limit)
    {
        return what + " too large - " + encoded + " bytes encoded, the limit is " + limit +
            " (half of --client-buffer-size)";
    }

    /** {@link #offer(DirectBuffer, int, int, int)} without an enqueue time. */
    public boolean offer(final DirectBuffer src, final int offset, final int length)
    {
        return offer(src, offset, length, EnqueueStamp.NONE);
    }

    /**
     * Enqueues a frame whole, or nothing when even the largest ring lacks room. Each of its records carries
     * {@code stamp} (an {@link EnqueueStamp}) as its type id, for the consumer's latency histogram. Matcher thread only.
     *
     * @return false when the frame was dropped for lack of room.
     */
    public boolean offer(final DirectBuffer src, final int offset, final int length, final int stamp)
    {
        if (tail.offer(src, offset, length, stamp))
        {
            return true;
        }
        if (tail.capacity >= capacity || length > largestFrame(capacity))
        {
            return false;
        }
        int grown = tail.capacity << 1;
        while (grown < capacity && length > largestFrame(grown))
        {
            grown <<= 1;
        }
        final int size = Math.min(grown, capacity);
        if (!budget.mayTake(size + RingBufferDescriptor.TRAILER_LENGTH))
        {
            // Direct memory is nearly all taken: this client's newest message is dropped, as when its largest ring
            // is full, without the JDK's slow refusal (a full collection and up to half a second asleep). Growing is
            // tried again with its next message.
            return false;
        }
        final Segment next;
        try
        {
            next = new Segment(size);
        }
        catch (final OutOfMemoryError directMemoryExhausted)
        {
            // -XX:MaxDirectMemorySize reached all the same (another thread took the memory after the budget was
            // asked; checked before anything is allocated, so the JVM is fine): dropped as above.
            return false;
        }
        final Segment previous = tail;
        tail = next;
        previous.next = next; // volatile: publishes the new ring after the last write to the previous one
        return next.offer(src, offset, length, stamp);
    }

    /**
     * Enqueues a reference to the frame in {@code slot} of {@link SharedFrames} ({@code length} bytes), whole or not
     * at all like {@link #offer}: refused when this client's queued shared bytes would exceed the capacity, or its
     * rings lack room for the record. The caller counts the reference ({@link SharedFrames#settle}) when this returns
     * true. Matcher thread only.
     */
    public boolean offerShared(final int slot, final int length, final int stamp)
    {
        final long queued = referencedIn - (long)REFERENCED_OUT.getAcquire(this);
        if (queued + length > capacity)
        {
            return false;
        }
        // Counted before the record is written, so that a consumer that has read the record sees it counted.
        REFERENCED_IN.setRelease(this, referencedIn + length);
        SharedFrames.writeRecord(record, slot);
        if (!offer(record, 0, SharedFrames.RECORD_LENGTH, stamp))
        {
            REFERENCED_IN.setRelease(this, referencedIn - length);
            return false;
        }
        return true;
    }

    /**
     * Hands queued frames' records to {@code handler} in order, at most {@code limit}, from one ring: when the ring
     * being read is empty and the producer has moved on, the next one is read. A record is either part of a frame
     * queued here, in a buffer backed by a direct {@link java.nio.ByteBuffer} ({@code buffer.byteBuffer()}) whose
     * position and limit the consumer may use, or a whole shared frame, in a buffer over a heap array
     * ({@code buffer.byteArray()}). Consumer thread only.
     */
    public int drain(final ControlledMessageHandler handler, final int limit)
    {
        if (shared == null)
        {
            return readable().ring.controlledRead(handler, limit);
        }
        resolver.handler = handler;
        return readable().ring.controlledRead(resolver, limit);
    }

    /**
     * Within a {@link #drain}'s handler, given a shared frame: the copy of it that a consumer (possibly this one,
     * for another client) {@linkplain #keepSharedCopy kept}, else null. Consumer thread only.
     */
    public Object sharedCopy()
    {
        return resolver.slot == SharedFrames.NONE ? null : shared.copy(resolver.slot);
    }

    /**
     * Within a {@link #drain}'s handler, given a shared frame: keeps {@code copy} of it for the frame's other
     * receivers ({@link SharedFrames#keepCopy}). Consumer thread only.
     *
     * @return the copy kept: {@code copy}, or one kept first (then {@code copy} remains the caller's).
     * @throws IllegalStateException when the handler is not being given a shared frame.
     */
    public Object keepSharedCopy(final Object copy, final Consumer<Object> release)
    {
        if (resolver.slot == SharedFrames.NONE)
        {
            throw new IllegalStateException("not within a drain's handler given a shared frame");
        }
        return shared.keepCopy(resolver.slot, copy, release);
    }

    /**
     * The ring the next {@link #drain} reads: the current one, or the next once the current one is empty and
     * outgrown. Consumer thread only.
     */
    private Segment readable()
    {
        Segment current = head;
        while (true)
        {
            // Read the link first: when it is set, every write to this ring happened before, so empty means drained.
            final Segment next = current.next;
            if (next == null || current.ring.size() > 0)
            {
                if (retired != null)
                {
                    freeRetired();
                }
                return current;
            }
            head = next;
            current.retiredNext = retired;
            retired = current;
            freeRetired();
            current = next;
        }
    }

    /** A thread other than the consumer is about to walk the rings: none it can reach is freed until it exits. */
    void enterReader()
    {
        READERS.getAndAdd(this, 1);
    }

    /** Ends {@link #enterReader()}. */
    void exitReader()
    {
        READERS.getAndAdd(this, -1);
    }

    /**
     * Frees the outgrown rings unless a reader is walking the chain: one that announced itself before the consumer
     * looked may hold a ring it moved past; one that announces itself later starts from the new {@link #head}
     * (Dekker-style: each side writes, fences, then reads the other's). Consumer thread only.
     */
    private void freeRetired()
    {
        VarHandle.fullFence();
        if ((int)READERS.getVolatile(this) != 0)
        {
            return; // freed after a later drain
        }
        for (Segment segment = retired; segment != null; segment = segment.retiredNext)
        {
            BufferUtil.free(segment.memory);
        }
        retired = null;
    }

    /**
     * Bytes queued, records and padding included, over every ring, and the shared frames queued by reference;
     * approximate while the other side is active.
     */
    public int size()
    {
        // In this order: what was handed out is never more than what was queued, seen from any thread.
        final long out = (long)REFERENCED_OUT.getAcquire(this);
        int size = (int)Math.max(0, (long)REFERENCED_IN.getAcquire(this) - out);
        enterReader();
        try
        {
            for (Segment segment = released ? null : head; segment != null; segment = segment.next)
            {
                size += segment.ring.size();
            }
        }
        finally
        {
            exitReader();
        }
        return size;
    }

    /** The largest this client's queue may grow to ({@code --client-buffer-size}). */
    public int capacity()
    {
        return capacity;
    }

    /** Bytes of ring memory this client holds now. Any thread; approximate while the other side is active. */
    public int allocated()
    {
        int allocated = 0;
        enterReader();
        try
        {
            for (Segment segment = released ? null : head; segment != null; segment = segment.next)
            {
                allocated += segment.capacity;
            }
        }
        finally
        {
            exitReader();
        }
        return allocated;
    }

    /**
     * Gives back the references still queued and returns the rings' memory now (waiting out a {@link #size} or
     * {@link #allocated} under way on another thread; later ones walk no ring). Only once neither side can touch them
     * again: the matcher calls it on the client's disconnect, the last event of that client, after its IO thread has
     * stopped draining (the channel is inactive, and the drain checks that first).
     */
    public void release()
    {
        resolver.handler = DISCARD;
        for (Segment segment = head; segment != null; segment = segment.next)
        {
            if (referencedIn != (long)REFERENCED_OUT.getAcquire(this))
            {
                while (segment.ring.controlledRead(resolver, Integer.MAX_VALUE) > 0)
                {
                    // every record read; the discarding handler takes them all
                }
            }
        }
        released = true;
        VarHandle.fullFence();
        while ((int)READERS.getVolatile(this) != 0)
        {
            Thread.onSpinWait(); // a reader that came in before walks a few rings; later ones see released
        }
        for (Segment segment = head; segment != null; segment = segment.next)
        {
            BufferUtil.free(segment.memory);
        }
        for (Segment segment = retired; segment != null; segment = segment.retiredNext)
        {
            BufferUtil.free(segment.memory);
        }
        retired = null;
    }

    /**
     * The largest single record the next {@link #drain} can hand over; a drain buffer of this size always fits it.
     * Consumer thread only.
     */
    public int maxRecord()
    {
        return readable().maxRecord;
    }

    /**
     * Between a ring and the consumer's handler: passes the ring's records through, and in place of a reference record
     * the shared frame it names, giving the reference back once the handler has taken it. Consumer thread only.
     */
    private final class Resolver implements ControlledMessageHandler
    {
        private final UnsafeBuffer frame = new UnsafeBuffer(new byte[0]);
        ControlledMessageHandler handler;
        /** The slot of the shared frame the handler is being given, else {@link SharedFrames#NONE}. */
        int slot = SharedFrames.NONE;

        @Override
        public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index,
            final int length)
        {
            if (!SharedFrames.isRecord(buffer, index, length))
            {
                return handler.onMessage(msgTypeId, buffer, index, length);
            }
            final int slot = SharedFrames.slot(buffer, index);
            final int frameLength = shared.length(slot);
            frame.wrap(shared.array(slot), 0, frameLength);
            this.slot = slot;
            final Action action;
            try
            {
                action = handler.onMessage(msgTypeId, frame, 0, frameLength);
            }
            finally
            {
                this.slot = SharedFrames.NONE;
            }
            if (action != Action.ABORT)
            {
                frame.wrap(EMPTY);
                REFERENCED_OUT.setRelease(OutboundRing.this, (long)REFERENCED_OUT.get(OutboundRing.this) + frameLength);
                shared.release(slot);
            }
            return action;
        }
    }

    private static final byte[] EMPTY = new byte[0];
    /** Takes every record and does nothing with it: {@link #release()} discarding what is left. */
    private static final ControlledMessageHandler DISCARD = (type, buffer, index, length) ->
        ControlledMessageHandler.Action.CONTINUE;
}
