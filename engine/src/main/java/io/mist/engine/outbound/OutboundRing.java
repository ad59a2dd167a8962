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
 * One client's bounded queue of encoded frames on their way to its socket: an Agrona one-to-one ring in direct memory.
 * The matcher thread is the only producer ({@link #offer}); the client's IO thread is the only consumer
 * ({@link #drain}). A frame is enqueued whole or not at all; one larger than a ring record is split into
 * consecutive records, which the consumer writes back to back.
 */
public final class OutboundRing
{
    private final ByteBuffer memory;
    private final OneToOneRingBuffer ring;
    private final int capacity;
    private final int maxRecord;
    private final int largestFrame;

    /** @param capacity bytes, a power of two of at least 1 KiB. */
    public OutboundRing(final int capacity)
    {
        // Direct memory: the ring's ordered 8-byte stores need the alignment a heap array cannot promise, and it can be
        // given back as soon as the client is gone instead of waiting for a garbage collection.
        this.memory = ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH);
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(memory));
        this.capacity = capacity;
        this.maxRecord = ring.maxMsgLength();
        this.largestFrame = largestFrame(capacity);
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
     * Enqueues a frame whole, or nothing when the ring lacks room. Each of its records carries {@code stamp} (an
     * {@link EnqueueStamp}) as its type id, for the consumer's latency histogram. Matcher thread only.
     *
     * @return false when the frame was dropped for lack of room.
     */
    public boolean offer(final DirectBuffer src, final int offset, final int length, final int stamp)
    {
        if (length <= maxRecord)
        {
            return ring.write(stamp, src, offset, length);
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
            if (!ring.write(stamp, src, at, Math.min(maxRecord, end - at)))
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

    /**
     * Returns the ring's memory now. Only once neither side can touch the ring again: the matcher calls it on the
     * client's disconnect, the last event of that client, after its IO thread has stopped draining (the channel is
     * inactive, and the drain checks that first).
     */
    public void release()
    {
        BufferUtil.free(memory);
    }

    /** The largest single record; a drain buffer of this size always fits the next record. */
    public int maxRecord()
    {
        return maxRecord;
    }
}
