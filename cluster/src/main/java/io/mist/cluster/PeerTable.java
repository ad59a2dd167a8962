package io.mist.cluster;

import io.mist.codec.FrameException;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.Engine;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.ring.Offer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The other nodes of the cluster as this node knows them: each one's slot (its bit in the matcher's node masks), its
 * NATS subject, its interest and the sequence of its last announcement. Applies their interest messages and tells
 * the matcher what changed, through the inbound ring; asks for snapshots when a node is new or a delta went missing;
 * forgets a node that has been silent for {@link #SILENT_NANOS}. Slots are handed out round-robin, so a forgotten
 * node's slot is not reused while messages meant for it may still be queued. The bridge's control thread only.
 */
final class PeerTable
{
    private static final Logger LOG = LoggerFactory.getLogger(PeerTable.class);
    /** A node that sends nothing (not even its beat, every second) for this long is gone. */
    static final long SILENT_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final int SLOTS = 64;
    private static final long SYNC_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private static final class Peer
    {
        final String id;
        final int slot;
        Set<String> tags = new HashSet<>();
        long sequence;
        boolean synced;
        long lastSeen;

        Peer(final String id, final int slot)
        {
            this.id = id;
            this.slot = slot;
        }
    }

    private final Engine engine;
    private final String self;
    private final String prefix;
    private final AtomicReferenceArray<String> subjects;
    private final ClusterCounters counters;
    private final Consumer<byte[]> requestSync;
    private final Map<String, Peer> peers = new HashMap<>();
    private final MistFrameParser parser = new MistFrameParser();
    private final MistFrame frame = new MistFrame();
    private int nextSlot;
    private long lastSyncRequest = System.nanoTime() - SYNC_INTERVAL_NANOS;

    /** @param requestSync publishes a sync request (the encoded message) on the cluster's sync subject. */
    PeerTable(final Engine engine, final String self, final String prefix,
        final AtomicReferenceArray<String> subjects, final ClusterCounters counters, final Consumer<byte[]> requestSync)
    {
        this.engine = engine;
        this.self = self;
        this.prefix = prefix;
        this.subjects = subjects;
        this.counters = counters;
        this.requestSync = requestSync;
    }

    /** One interest message from NATS. */
    void onInterest(final byte[] message)
    {
        try
        {
            parser.parse(message, message.length, frame);
        }
        catch (final FrameException ex)
        {
            LOG.warn("Cluster: unreadable interest message ignored: {}", ex.getMessage());
            return;
        }
        final String command = new String(frame.commandBytes(), 0, frame.commandLength(), StandardCharsets.US_ASCII);
        final String[] data = new String(frame.dataBytes(), 0, frame.dataLength(), StandardCharsets.US_ASCII)
            .split(" ");
        if (data.length != 2 || data[0].equals(self))
        {
            return;
        }
        final long sequence;
        try
        {
            sequence = Long.parseLong(data[1]);
        }
        catch (final NumberFormatException ex)
        {
            return;
        }
        counters.interestUpdates.incrementAndGet();
        Peer peer = peers.get(data[0]);
        if (peer == null)
        {
            final int slot = freeSlot();
            if (slot < 0)
            {
                LOG.warn("Cluster: node {} ignored: this node knows {} others already, the most it can", data[0],
                    SLOTS);
                return;
            }
            peer = new Peer(data[0], slot);
            peers.put(peer.id, peer);
            subjects.set(slot, prefix + ".node." + peer.id);
            counters.peers.set(peers.size());
            LOG.info("Cluster: node {} joined", peer.id);
        }
        peer.lastSeen = System.nanoTime();
        switch (command)
        {
            case Wire.SNAPSHOT:
                replace(peer, tags());
                peer.sequence = sequence;
                peer.synced = true;
                break;
            case Wire.ADD:
            case Wire.REMOVE:
                if (!peer.synced || sequence != peer.sequence + 1)
                {
                    peer.synced = false;
                    sync();
                    break;
                }
                peer.sequence = sequence;
                final Set<String> changed = tags();
                if (command.equals(Wire.ADD))
                {
                    changed.removeAll(peer.tags);
                    peer.tags.addAll(changed);
                    tell(MatcherSide.ADD, peer.slot, changed);
                }
                else
                {
                    changed.retainAll(peer.tags);
                    peer.tags.removeAll(changed);
                    tell(MatcherSide.REMOVE, peer.slot, changed);
                }
                break;
            default: // a beat
                if (!peer.synced || sequence != peer.sequence)
                {
                    peer.synced = false;
                    sync();
                }
                break;
        }
        countInterest();
    }

    /**
     * Forgets nodes that have been silent too long; called every second. Not while this node is cut off from NATS:
     * it keeps the others' interest, so what is meant for them is counted as dropped rather than silently not sent.
     */
    void expire(final boolean connected)
    {
        if (!connected)
        {
            tellNothing();
            return;
        }
        final long now = System.nanoTime();
        final List<Peer> gone = new ArrayList<>();
        for (final Peer peer : peers.values())
        {
            if (now - peer.lastSeen > SILENT_NANOS)
            {
                gone.add(peer);
            }
        }
        for (final Peer peer : gone)
        {
            forget(peer);
            LOG.info("Cluster: node {} left (silent for {} s)", peer.id, TimeUnit.NANOSECONDS.toSeconds(SILENT_NANOS));
        }
        tellNothing(); // lets the matcher hand on interest changes it could not queue yet
    }

    /**
     * This node is back on NATS after an outage, during which it heard nobody: the others' silence was its own, so
     * their clocks start again (they are forgotten only if they now stay silent).
     */
    void reconnected()
    {
        final long now = System.nanoTime();
        for (final Peer peer : peers.values())
        {
            peer.lastSeen = now;
        }
    }

    private void forget(final Peer peer)
    {
        peers.remove(peer.id);
        offer(event ->
        {
            event.type = InboundEventType.CLUSTER;
            event.payload.put(MatcherSide.FORGET);
            event.payload.put((byte)peer.slot);
        });
        subjects.set(peer.slot, null);
        counters.peers.set(peers.size());
        countInterest();
    }

    private void replace(final Peer peer, final Set<String> tags)
    {
        final Set<String> added = new HashSet<>(tags);
        added.removeAll(peer.tags);
        final Set<String> removed = new HashSet<>(peer.tags);
        removed.removeAll(tags);
        peer.tags = tags;
        tell(MatcherSide.REMOVE, peer.slot, removed);
        tell(MatcherSide.ADD, peer.slot, added);
    }

    /** The tags the known nodes are interested in, summed over them, for {@code /metrics}. */
    private void countInterest()
    {
        counters.remoteInterest.set(peers.values().stream().mapToLong(p -> p.tags.size()).sum());
    }

    /** Asks every node for a snapshot, at most twice a second. */
    void sync()
    {
        final long now = System.nanoTime();
        if (now - lastSyncRequest < SYNC_INTERVAL_NANOS)
        {
            return;
        }
        lastSyncRequest = now;
        requestSync.accept(Wire.encode(Wire.SYNC, List.of(), self, 0));
    }

    private Set<String> tags()
    {
        final Set<String> tags = new HashSet<>(frame.tagCount() * 2);
        for (int i = 0; i < frame.tagCount(); i++)
        {
            tags.add(new String(frame.tagBytes(), frame.tagOffset(i), frame.tagLength(i), StandardCharsets.UTF_8));
        }
        return tags;
    }

    /** Tells the matcher that node {@code slot}'s interest gained or lost {@code tags}, in events of at most 1,024. */
    private void tell(final byte op, final int slot, final Set<String> tags)
    {
        final List<String> all = new ArrayList<>(tags);
        for (int from = 0; from < all.size(); from += 1024)
        {
            final List<String> part = all.subList(from, Math.min(all.size(), from + 1024));
            final int[] ids = new int[part.size()];
            for (int i = 0; i < ids.length; i++)
            {
                final byte[] bytes = part.get(i).getBytes(StandardCharsets.UTF_8);
                ids[i] = engine.tagTable().intern(bytes, 0, bytes.length);
            }
            offer(event ->
            {
                event.type = InboundEventType.CLUSTER;
                event.payload.put(op);
                event.payload.put((byte)slot);
                final int[] into = event.tagCapacity(ids.length);
                System.arraycopy(ids, 0, into, 0, ids.length);
                event.tagCount = ids.length;
            });
        }
    }

    private void tellNothing()
    {
        offer(event ->
        {
            event.type = InboundEventType.CLUSTER;
            event.payload.put((byte)0);
            event.payload.put((byte)0);
        });
    }

    /** Into the ring, waiting for room: this thread may wait; the matcher will make room. */
    private void offer(final Consumer<InboundEvent> fill)
    {
        while (engine.offerControl((event, f) -> f.accept(event), fill) == Offer.FULL)
        {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }

    private int freeSlot()
    {
        for (int i = 0; i < SLOTS; i++)
        {
            final int slot = (nextSlot + i) % SLOTS;
            if (subjects.get(slot) == null)
            {
                nextSlot = (slot + 1) % SLOTS;
                return slot;
            }
        }
        return -1;
    }
}
