package io.mist.cluster;

import io.mist.engine.tag.TagTable;
import io.nats.client.Connection;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread that speaks for this node on NATS: it drains the forward ring, publishing each message once to each
 * node it is meant for (so a node never receives a message twice, and one publisher's messages stay in order), and
 * announces this node's interest: deltas as they happen, a snapshot when asked, and a beat every second. While NATS
 * is unreachable, messages are dropped and counted (no buffer: nothing stale is delivered late); interest is
 * announced again on reconnection. Its own thread.
 */
final class Sender implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final long BEAT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int SPINS = 200;

    private final RingBuffer forward;
    private final Connection nats;
    private final TagTable tags;
    private final ClusterCounters counters;
    private final String node;
    private final String interestSubject;
    /** NATS subject of each node slot's messages; set by the peer table before the slot gets interest. */
    private final AtomicReferenceArray<String> subjects;
    private final AtomicBoolean snapshotWanted = new AtomicBoolean(true);
    private final IntHashSet interest = new IntHashSet();
    private final List<byte[]> added = new ArrayList<>();
    private final List<byte[]> removed = new ArrayList<>();
    private volatile boolean running = true;
    private long sequence;
    private long nextBeat;

    Sender(final RingBuffer forward, final Connection nats, final TagTable tags, final ClusterCounters counters,
        final String node, final String prefix, final AtomicReferenceArray<String> subjects)
    {
        this.forward = forward;
        this.nats = nats;
        this.tags = tags;
        this.counters = counters;
        this.node = node;
        this.interestSubject = prefix + ".interest";
        this.subjects = subjects;
    }

    /** Publish a full snapshot of this node's interest soon (a node asked, or NATS is back). Any thread. */
    void snapshotWanted(final Thread self)
    {
        snapshotWanted.set(true);
        LockSupport.unpark(self);
    }

    void stop()
    {
        running = false;
    }

    @Override
    public void run()
    {
        int idle = 0;
        while (running)
        {
            final int read = forward.read(this::onRecord, 1024);
            final long now = System.nanoTime();
            if (!added.isEmpty() || !removed.isEmpty())
            {
                announceChanges();
            }
            if (snapshotWanted.getAndSet(false))
            {
                announce(Wire.SNAPSHOT, snapshot());
                nextBeat = now + BEAT_NANOS;
            }
            else if (now - nextBeat >= 0)
            {
                announce(Wire.BEAT, List.of());
                nextBeat = now + BEAT_NANOS;
            }
            if (read > 0)
            {
                idle = 0;
            }
            else if (++idle < SPINS)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // the matcher unparks on new records
            }
        }
    }

    private void onRecord(final int type, final org.agrona.MutableDirectBuffer buffer, final int index,
        final int length)
    {
        switch (type)
        {
            case MatcherSide.MESSAGE:
                send(buffer.getLong(index), buffer, index + Long.BYTES, length - Long.BYTES);
                break;
            case MatcherSide.INTEREST_ADDED:
            {
                final int tag = buffer.getInt(index);
                if (interest.add(tag))
                {
                    added.add(tags.bytes(tag));
                }
                break;
            }
            case MatcherSide.INTEREST_REMOVED:
            {
                final int tag = buffer.getInt(index);
                if (interest.remove(tag))
                {
                    removed.add(tags.bytes(tag));
                }
                break;
            }
            default:
                break;
        }
    }

    private void send(final long nodes, final org.agrona.MutableDirectBuffer buffer, final int offset,
        final int length)
    {
        // jnats queues the array itself for its writer thread: each message needs its own.
        final byte[] message = new byte[length];
        buffer.getBytes(offset, message, 0, length);
        long remaining = nodes;
        while (remaining != 0)
        {
            final int slot = Long.numberOfTrailingZeros(remaining);
            remaining &= remaining - 1;
            final String subject = subjects.get(slot);
            if (subject == null)
            {
                continue;
            }
            try
            {
                nats.publish(subject, message);
                counters.messagesOut.incrementAndGet();
                counters.bytesOut.addAndGet(length);
            }
            catch (final IllegalStateException disconnected)
            {
                counters.droppedOut.incrementAndGet(); // NATS is unreachable; no buffer, by design
            }
        }
    }

    private void announceChanges()
    {
        if (!added.isEmpty())
        {
            announce(Wire.ADD, added);
            added.clear();
        }
        if (!removed.isEmpty())
        {
            announce(Wire.REMOVE, removed);
            removed.clear();
        }
        counters.localInterest.set(interest.size());
    }

    private List<byte[]> snapshot()
    {
        final List<byte[]> all = new ArrayList<>(interest.size());
        final IntHashSet.IntIterator it = interest.iterator();
        while (it.hasNext())
        {
            all.add(tags.bytes(it.nextValue()));
        }
        return all;
    }

    private void announce(final String command, final List<byte[]> tagBytes)
    {
        if (!command.equals(Wire.BEAT) && !command.equals(Wire.SNAPSHOT))
        {
            sequence++;
        }
        try
        {
            nats.publish(interestSubject, Wire.encode(command, tagBytes, node, sequence));
        }
        catch (final IllegalStateException disconnected)
        {
            // The others notice the gap in the sequence, or this node's silence; a snapshot follows the reconnect.
            LOG.debug("Cluster: cannot announce interest while NATS is unreachable");
        }
    }
}
