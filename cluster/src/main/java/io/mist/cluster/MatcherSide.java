package io.mist.cluster;

import io.mist.engine.cluster.ClusterPort;
import io.mist.engine.ring.InboundEvent;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The bridge's part on the matcher thread. It holds, per tag id, the other nodes whose interest includes the tag (a
 * bit per node slot), and forwards each publish made on this node to the nodes whose interest one of its tags meets:
 * the encoded frame and the set of nodes go into the forward ring for the {@link Sender}, which is woken once per
 * batch. A publish no other node is interested in costs one array read per tag and nothing else. This node's own
 * interest changes go into the same ring, in order; the other nodes' interest arrives as
 * {@link io.mist.engine.ring.InboundEventType#CLUSTER} events. Allocation-free per message. Matcher thread only.
 */
final class MatcherSide implements ClusterPort
{
    /** Forward-ring record: {@code [long node mask][encoded publish frame]}. */
    static final int MESSAGE = 1;
    /** Forward-ring record: {@code [int tag id]} became / stopped being this node's interest. */
    static final int INTEREST_ADDED = 2;
    static final int INTEREST_REMOVED = 3;

    /** Control event ops (first payload byte; the node slot is the second). */
    static final byte ADD = 1;
    static final byte REMOVE = 2;
    static final byte FORGET = 3;

    private final RingBuffer forward;
    private final ClusterCounters counters;
    /** Per tag id: a bit per node slot whose interest holds the tag. */
    private long[] nodesByTag = new long[1024];
    /** Interest changes the forward ring had no room for, oldest first; they go before any later change. */
    private final ArrayDeque<Integer> pendingInterest = new ArrayDeque<>();
    private boolean wrote;
    private volatile Thread sender;

    MatcherSide(final RingBuffer forward, final ClusterCounters counters)
    {
        this.forward = forward;
        this.counters = counters;
    }

    /** The thread to wake when the ring has something; set before traffic starts. */
    void sender(final Thread thread)
    {
        sender = thread;
    }

    @Override
    public void published(final InboundEvent event)
    {
        long nodes = 0;
        final long[] byTag = nodesByTag;
        for (int i = 0; i < event.tagCount; i++)
        {
            final int tag = event.tags[i];
            if (tag < byTag.length)
            {
                nodes |= byTag[tag];
            }
        }
        if (nodes == 0)
        {
            return;
        }
        final int length = event.payload.length();
        final int index = forward.tryClaim(MESSAGE, Long.BYTES + length);
        if (index < 0)
        {
            counters.droppedOut.addAndGet(Long.bitCount(nodes));
            return;
        }
        forward.buffer().putLong(index, nodes);
        forward.buffer().putBytes(index + Long.BYTES, event.payload.array(), 0, length);
        forward.commit(index);
        wrote = true;
    }

    @Override
    public void interestAdded(final int tag)
    {
        interest(INTEREST_ADDED, tag);
    }

    @Override
    public void interestRemoved(final int tag)
    {
        interest(INTEREST_REMOVED, tag);
    }

    private void interest(final int type, final int tag)
    {
        if (pendingInterest.isEmpty() && writeInterest(type, tag))
        {
            return;
        }
        pendingInterest.add(type == INTEREST_ADDED ? tag : ~tag); // kept, in order, until there is room
    }

    private boolean writeInterest(final int type, final int tag)
    {
        final int index = forward.tryClaim(type, Integer.BYTES);
        if (index < 0)
        {
            return false;
        }
        forward.buffer().putInt(index, tag);
        forward.commit(index);
        wrote = true;
        return true;
    }

    @Override
    public void control(final InboundEvent event)
    {
        final byte op = event.payload.array()[0];
        final long bit = 1L << event.payload.array()[1];
        if (op == FORGET)
        {
            final long[] byTag = nodesByTag;
            for (int tag = 0; tag < byTag.length; tag++)
            {
                byTag[tag] &= ~bit;
            }
            return;
        }
        for (int i = 0; i < event.tagCount; i++)
        {
            final int tag = event.tags[i];
            if (tag >= nodesByTag.length)
            {
                nodesByTag = Arrays.copyOf(nodesByTag, Math.max(tag + 1, nodesByTag.length << 1));
            }
            if (op == ADD)
            {
                nodesByTag[tag] |= bit;
            }
            else
            {
                nodesByTag[tag] &= ~bit;
            }
        }
    }

    @Override
    public void endOfBatch()
    {
        while (!pendingInterest.isEmpty())
        {
            final int entry = pendingInterest.peekFirst();
            if (!writeInterest(entry >= 0 ? INTEREST_ADDED : INTEREST_REMOVED, entry >= 0 ? entry : ~entry))
            {
                break;
            }
            pendingInterest.pollFirst();
        }
        if (wrote)
        {
            wrote = false;
            final Thread thread = sender;
            if (thread != null)
            {
                LockSupport.unpark(thread);
            }
        }
    }

    /** A forward ring of {@code capacity} bytes (a power of two). */
    static RingBuffer ring(final int capacity)
    {
        return new OneToOneRingBuffer(new org.agrona.concurrent.UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(
            capacity + org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH)));
    }
}
