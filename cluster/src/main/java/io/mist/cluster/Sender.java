package io.mist.cluster;

import io.mist.codec.GrowableBytes;
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
 * node it is meant for (so a node never receives a message twice, and one publisher's messages stay in order),
 * gathering what is waiting for a node into one NATS message, and
 * announces this node's interest: deltas as they happen, a snapshot when asked, and a beat every second. While NATS
 * is unreachable, messages are dropped and counted (no buffer: nothing stale is delivered late); interest is
 * announced again on reconnection. Its own thread.
 */
final class Sender implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final long BEAT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int SPINS = 200;
    /** The most one NATS message to a node carries (NATS's own default limit is 1 MiB). */
    private static final int BATCH_BYTES = 256 * 1024;

    private final RingBuffer forward;
    private final Connection nats;
    private final TagTable tags;
    private final ClusterCounters counters;
    private final String node;
    private final String interestSubject;
    /** NATS subject of each node slot's messages; set by the peer table before the slot gets interest. */
    private final AtomicReferenceArray<String> subjects;
    private final AtomicBoolean snapshotWanted = new AtomicBoolean(true);
    /** One handler for every read: a method reference made per call would be an object per loop. */
    private final org.agrona.concurrent.MessageHandler handler = this::onRecord;
    private final IntHashSet interest = new IntHashSet();
    private final List<byte[]> added = new ArrayList<>();
    private final List<byte[]> removed = new ArrayList<>();
    private volatile boolean running = true;
    /** Per node slot: the messages gathered for it, their count, and which slots have some. */
    private final GrowableBytes[] batches = new GrowableBytes[PeerTable.SLOTS];
    private final int[] batched = new int[PeerTable.SLOTS];
    private long pending;
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
            final int read = forward.read(handler, 1024);
            if (pending != 0)
            {
                flushAll();
            }
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

    /**
     * Adds a message to the batch of each node it is meant for. Frames end in a newline (a raw newline occurs
     * nowhere else in mist's JSON), so a batch is the frames one after the other; it goes out when the ring has been
     * drained for now, or when it would outgrow {@link #BATCH_BYTES}. A lone message at a moderate rate is a batch
     * of one, sent at once.
     */
    private void send(final long nodes, final org.agrona.MutableDirectBuffer buffer, final int offset,
        final int length)
    {
        long remaining = nodes;
        while (remaining != 0)
        {
            final int slot = Long.numberOfTrailingZeros(remaining);
            remaining &= remaining - 1;
            GrowableBytes batch = batches[slot];
            if (batch == null)
            {
                batch = batches[slot] = new GrowableBytes(4096);
            }
            if (batch.length() > 0 && batch.length() + length > BATCH_BYTES)
            {
                flush(slot);
            }
            batch.ensureSpare(length);
            buffer.getBytes(offset, batch.array(), batch.length(), length);
            batch.advance(length);
            batched[slot]++;
            pending |= 1L << slot;
        }
    }

    /** Publishes every node's batch. */
    private void flushAll()
    {
        long remaining = pending;
        while (remaining != 0)
        {
            final int slot = Long.numberOfTrailingZeros(remaining);
            remaining &= remaining - 1;
            flush(slot);
        }
    }

    private void flush(final int slot)
    {
        final GrowableBytes batch = batches[slot];
        final int messages = batched[slot];
        pending &= ~(1L << slot);
        batched[slot] = 0;
        if (messages == 0)
        {
            return;
        }
        final String subject = subjects.get(slot);
        // jnats queues the array itself for its writer thread: each batch needs its own.
        final byte[] payload = java.util.Arrays.copyOf(batch.array(), batch.length());
        batch.clear();
        if (batch.array().length > 4 * BATCH_BYTES)
        {
            batches[slot] = null; // an unusually large message: do not keep its buffer
        }
        if (subject == null)
        {
            return; // the node was forgotten meanwhile
        }
        try
        {
            nats.publish(subject, payload);
            counters.messagesOut.addAndGet(messages);
            counters.bytesOut.addAndGet(payload.length);
        }
        catch (final IllegalStateException disconnected)
        {
            counters.droppedOut.addAndGet(messages); // NATS is unreachable; no buffer, by design
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
