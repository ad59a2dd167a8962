package io.mist.engine.outbound;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.BitUtil.align;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.ALIGNMENT;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.HEADER_LENGTH;

/**
 * One client's bounded queue of encoded frames on their way to its socket: an Agrona one-to-one ring.
 * The matcher thread is the only producer ({@link #offer}); the client's IO thread is the only consumer
 * ({@link #drain}). A frame is enqueued whole or not at all; one larger than a ring record is split into
 * consecutive records, which the consumer writes back to back.
 */
public final class OutboundRing
{
    private static final int FRAME_RECORD = 1;

    private final OneToOneRingBuffer ring;
    private final int capacity;
    private final int maxRecord;
    private final int largestFrame;

    /** @param capacity bytes, a power of two of at least 1 KiB. */
    public OutboundRing(final int capacity)
    {
        // Direct and cache-line aligned: the ring's ordered 8-byte stores need alignment a heap array cannot promise.
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(capacity + RingBufferDescriptor.TRAILER_LENGTH, CACHE_LINE_LENGTH)));
        this.capacity = capacity;
        this.maxRecord = ring.maxMsgLength();
        this.largestFrame = largestFrame(capacity);
    }

    /** The largest frame that an empty ring of this capacity can take; larger frames are refused at ingress. */
    public static int largestFrame(final int capacity)
    {
        return capacity / 2;
    }

    /**
     * Enqueues a frame whole, or nothing when the ring lacks room. Matcher thread only.
     *
     * @return false when the frame was dropped for lack of room.
     */
    public boolean offer(final DirectBuffer src, final int offset, final int length)
    {
        if (length <= maxRecord)
        {
            return ring.write(FRAME_RECORD, src, offset, length);
        }
        if (length > largestFrame)
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
            if (!ring.write(FRAME_RECORD, src, at, Math.min(maxRecord, end - at)))
            {
                throw new IllegalStateException("outbound ring refused a record after its room was checked");
            }
        }
        return true;
    }

    /**
     * Hands queued records to {@code handler} in order, at most {@code limit}. The buffer handed over is backed by a
     * direct {@link java.nio.ByteBuffer} ({@code buffer.byteBuffer()}) whose position and limit the consumer may use.
     * Consumer thread only.
     */
    public int drain(final ControlledMessageHandler handler, final int limit)
    {
        return ring.controlledRead(handler, limit);
    }

    /** Bytes queued, records and padding included; approximate while the other side is active. */
    public int size()
    {
        return ring.size();
    }

    public int capacity()
    {
        return capacity;
    }

    /** The largest single record; a drain buffer of this size always fits the next record. */
    public int maxRecord()
    {
        return maxRecord;
    }
}
