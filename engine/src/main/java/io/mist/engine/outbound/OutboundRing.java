package io.mist.engine.outbound;

import io.mist.engine.metrics.EnqueueStamp;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

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
 * a ring, once outgrown, is never written again. While a stalled client's rings are still draining, it can hold up to
 * about twice the capacity. Growing allocates (a handful of times in a client's life), sending does not.
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

    private final int capacity;
    /** The ring being written; producer only. */
    private Segment tail;
    /** The ring being read; written by the consumer only, read by anyone for {@link #size()}. */
    private volatile Segment head;

    /** @param capacity the largest ring in bytes ({@code --client-buffer-size}), a power of two of at least 1 KiB. */
    public OutboundRing(final int capacity)
    {
        this.capacity = capacity;
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
        final Segment next;
        try
        {
            next = new Segment(Math.min(grown, capacity));
        }
        catch (final OutOfMemoryError directMemoryExhausted)
        {
            // -XX:MaxDirectMemorySize is reached (checked before anything is allocated, so the JVM is fine): this
            // client cannot grow now, and its newest message is dropped, as when its largest ring is full. Growing
            // is tried again with its next message.
            return false;
        }
        final Segment previous = tail;
        tail = next;
        previous.next = next; // volatile: publishes the new ring after the last write to the previous one
        return next.offer(src, offset, length, stamp);
    }

    /**
     * Hands queued records to {@code handler} in order, at most {@code limit}, from one ring: when the ring being read
     * is empty and the producer has moved on, the next one is read. The buffer handed over is backed
     * by a direct {@link java.nio.ByteBuffer} ({@code buffer.byteBuffer()}) whose position and limit the consumer may
     * use. Consumer thread only.
     */
    public int drain(final ControlledMessageHandler handler, final int limit)
    {
        return readable().ring.controlledRead(handler, limit);
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
                return current;
            }
            // Not freed here: another thread may be summing sizes over it (size()); once nothing refers to
            // it, the garbage collector returns its memory (and does so before direct memory runs out).
            head = next;
            current = next;
        }
    }

    /** Bytes queued, records and padding included, over every ring; approximate while the other side is active. */
    public int size()
    {
        int size = 0;
        for (Segment segment = head; segment != null; segment = segment.next)
        {
            size += segment.ring.size();
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
        for (Segment segment = head; segment != null; segment = segment.next)
        {
            allocated += segment.capacity;
        }
        return allocated;
    }

    /**
     * Returns the rings' memory now. Only once neither side can touch them again: the matcher calls it on the client's
     * disconnect, the last event of that client, after its IO thread has stopped draining (the channel is inactive,
     * and the drain checks that first).
     */
    public void release()
    {
        for (Segment segment = head; segment != null; segment = segment.next)
        {
            BufferUtil.free(segment.memory);
        }
    }

    /**
     * The largest single record the next {@link #drain} can hand over; a drain buffer of this size always fits it.
     * Consumer thread only.
     */
    public int maxRecord()
    {
        return readable().maxRecord;
    }
}
