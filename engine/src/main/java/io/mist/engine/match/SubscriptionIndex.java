package io.mist.engine.match;

import io.mist.engine.cluster.ClusterPort;
import io.mist.engine.session.ClientSession;

import java.util.Arrays;

/**
 * Every client's subscriptions, indexed for mist's rule: a message reaches a client when at least one of the client's
 * subscriptions is a subset of the message's tags (set semantics), never the publisher, at most once.
 * <p>
 * Each subscription is filed under one of its tags (its <em>anchor</em>, the one with the shortest list when it was
 * added). An anchor list is a flat {@code int[]} of fixed-size entries, {@code [client slot, other tag, other tag,
 * other tag]}, so testing a candidate reads consecutive memory and touches the client only when it matches;
 * subscriptions of more than four tags keep their tags in their {@link Subscription}. Which clients a message has
 * already selected is a dense array by client slot, too. Matching marks the message's
 * tags in a bitset over tag ids, walks the anchor lists of those tags and tests each candidate's other tags against
 * the bitset. Allocation-free per message. Owned by the matcher thread.
 */
public final class SubscriptionIndex
{
    /** Receives each client selected for a message, once. */
    @FunctionalInterface
    public interface MatchSink
    {
        void onMatch(ClientSession session);
    }

    private static final int STRIDE = 4;
    private static final int INLINE_OTHERS = STRIDE - 1;
    /** In an entry's first tag position: no other tag (a single-tag subscription). */
    private static final int NO_TAG = -1;
    /** In an entry's first tag position: more than {@link #INLINE_OTHERS} other tags; test the Subscription's. */
    private static final int MANY_TAGS = -2;
    private static final int[] EMPTY_ENTRIES = new int[0];
    private static final Subscription[] NO_OWNERS = new Subscription[0];

    /** Per tag id: its anchor list's entries, the subscriptions they belong to (same order), and their count. */
    private int[][] entries = new int[64][];
    private Subscription[][] owners = new Subscription[64][];
    private int[] entryCount = new int[64];
    /** Per tag id: how many subscriptions contain it (for listall). */
    private int[] tagUse = new int[64];

    /** Clients holding at least one subscription, by the slot entries refer to them by. */
    private ClientSession[] clients = new ClientSession[64];
    /** Per slot: the match pass that last selected that client, so a message reaches it at most once. */
    private long[] selectedInPass = new long[64];
    private int[] freeSlots = new int[64];
    private int freeSlotCount;
    private int slotLimit;

    private long[] messageBits = new long[1];
    private long stamp;
    private int size;
    private final TagSet probe = new TagSet();

    /** Told when a tag's anchor list becomes used or empty: this node's interest, for a cluster. */
    private ClusterPort anchors = ClusterPort.NONE;

    /** Tells {@code port} each tag whose anchor list becomes used or empty, from now on. */
    public void anchorListener(final ClusterPort port)
    {
        anchors = port;
    }

    /** Every tag whose anchor list holds a subscription now. */
    public void forEachAnchor(final java.util.function.IntConsumer action)
    {
        for (int tag = 0; tag < entryCount.length; tag++)
        {
            if (entryCount[tag] > 0)
            {
                action.accept(tag);
            }
        }
    }

    public SubscriptionIndex()
    {
        Arrays.fill(entries, EMPTY_ENTRIES);
        Arrays.fill(owners, NO_OWNERS);
    }

    /** Total subscriptions held. */
    public int size()
    {
        return size;
    }

    /** Whether the client already holds the subscription {@code tags[0, count)} (canonical order). */
    public boolean holds(final ClientSession session, final int[] tags, final int count)
    {
        return session.subscriptions().get(probe.set(tags, count)) != null;
    }

    /**
     * Adds a subscription; {@code tags[0, count)} is the canonical (sorted, duplicate-free) tag id sequence.
     *
     * @return false when the client already holds exactly this set.
     */
    public boolean add(final ClientSession session, final int[] tags, final int count)
    {
        final SessionSubscriptions owned = session.subscriptions();
        if (owned.get(probe.set(tags, count)) != null)
        {
            return false;
        }
        final int[] copy = Arrays.copyOf(tags, count);
        int maxId = 0;
        for (final int tag : copy)
        {
            maxId = Math.max(maxId, tag);
        }
        ensureTagCapacity(maxId + 1);
        if (owned.size() == 0)
        {
            session.indexSlot = takeSlot(session);
        }

        final Subscription subscription = new Subscription(session, copy);
        int anchor = copy[0];
        for (final int tag : copy)
        {
            if (entryCount[tag] < entryCount[anchor])
            {
                anchor = tag;
            }
            tagUse[tag]++;
        }
        file(subscription, anchor);
        owned.put(new TagSet(copy), subscription);
        size++;
        return true;
    }

    /**
     * Removes exactly this set from the client's subscriptions.
     *
     * @return false when the client did not hold it.
     */
    public boolean remove(final ClientSession session, final int[] tags, final int count)
    {
        final Subscription subscription = session.subscriptions().remove(probe.set(tags, count));
        if (subscription == null)
        {
            return false;
        }
        unfile(subscription);
        if (session.subscriptions().size() == 0)
        {
            releaseSlot(session);
        }
        return true;
    }

    /** Removes every subscription of a client (it disconnected). @return how many were removed. */
    public int removeAll(final ClientSession session)
    {
        int removed = 0;
        for (final Subscription subscription : session.subscriptions().clear())
        {
            unfile(subscription);
            removed++;
        }
        if (removed > 0)
        {
            releaseSlot(session);
        }
        return removed;
    }

    /** Clients holding at least one subscription (each has a slot while it does). */
    public int clientCount()
    {
        return slotLimit - freeSlotCount;
    }

    /** Keeps the prefetching reads of {@link #match} from being optimised away; never read. */
    @SuppressWarnings("unused")
    private int touchSink;

    /** True when at least one subscription contains the tag. */
    public boolean isInUse(final int tag)
    {
        return tag < tagUse.length && tagUse[tag] > 0;
    }

    /** One past the highest tag id the index has seen; bound for iterating {@link #isInUse}. */
    public int tagIdLimit()
    {
        return tagUse.length;
    }

    /**
     * Selects every client with a subscription that is a subset of {@code tags[0, count)} (ids, any order),
     * except {@code publisher}, and hands each to {@code sink} once.
     *
     * @return the number of clients selected.
     */
    public int match(final int[] tags, final int count, final ClientSession publisher, final MatchSink sink)
    {
        final long pass = ++stamp;
        final long[] bits = messageBits;
        final int limit = entries.length;
        for (int i = 0; i < count; i++)
        {
            final int tag = tags[i];
            if (tag < limit)
            {
                bits[tag >>> 6] |= 1L << tag;
            }
        }

        // Touch each anchor list first: the lists lie at unrelated places in memory, and reading them back to back
        // lets the CPU wait for their cache misses together instead of one after another inside the scan below.
        int touched = 0;
        for (int i = 0; i < count; i++)
        {
            final int tag = tags[i];
            if (tag < limit && entryCount[tag] > 0)
            {
                touched += entries[tag][1];
            }
        }
        touchSink = touched;

        int selected = 0;
        for (int i = 0; i < count; i++)
        {
            final int tag = tags[i];
            if (tag >= limit)
            {
                continue;
            }
            final int[] list = entries[tag];
            for (int e = 0, end = entryCount[tag] * STRIDE; e < end; e += STRIDE)
            {
                final int first = list[e + 1];
                if (first >= 0)
                {
                    if ((bits[first >>> 6] & (1L << first)) == 0)
                    {
                        continue;
                    }
                    final int second = list[e + 2];
                    if (second >= 0 && (bits[second >>> 6] & (1L << second)) == 0)
                    {
                        continue;
                    }
                    final int third = list[e + 3];
                    if (third >= 0 && (bits[third >>> 6] & (1L << third)) == 0)
                    {
                        continue;
                    }
                }
                else if (first == MANY_TAGS && !allMarked(owners[tag][e / STRIDE].tags, bits))
                {
                    continue;
                }
                final int slot = list[e];
                final ClientSession session = clients[slot];
                if (selectedInPass[slot] == pass || session == publisher)
                {
                    continue;
                }
                selectedInPass[slot] = pass;
                selected++;
                sink.onMatch(session);
            }
        }

        for (int i = 0; i < count; i++)
        {
            final int tag = tags[i];
            if (tag < limit)
            {
                bits[tag >>> 6] = 0;
            }
        }
        return selected;
    }

    private static boolean allMarked(final int[] tags, final long[] bits)
    {
        for (final int tag : tags)
        {
            if ((bits[tag >>> 6] & (1L << tag)) == 0)
            {
                return false;
            }
        }
        return true;
    }

    private void file(final Subscription subscription, final int anchor)
    {
        final int n = entryCount[anchor];
        if ((n + 1) * STRIDE > entries[anchor].length)
        {
            final int capacity = Math.max(4, n << 1);
            entries[anchor] = Arrays.copyOf(entries[anchor], capacity * STRIDE);
            owners[anchor] = Arrays.copyOf(owners[anchor], capacity);
        }
        final int[] list = entries[anchor];
        final int at = n * STRIDE;
        list[at] = subscription.session.indexSlot;
        list[at + 1] = NO_TAG;
        list[at + 2] = NO_TAG;
        list[at + 3] = NO_TAG;
        final int[] tags = subscription.tags;
        if (tags.length - 1 > INLINE_OTHERS)
        {
            list[at + 1] = MANY_TAGS;
        }
        else
        {
            int w = at + 1;
            for (final int tag : tags)
            {
                if (tag != anchor)
                {
                    list[w++] = tag;
                }
            }
        }
        owners[anchor][n] = subscription;
        subscription.anchor = anchor;
        subscription.entry = n;
        entryCount[anchor] = n + 1;
        if (n == 0)
        {
            anchors.interestAdded(anchor);
        }
    }

    private void unfile(final Subscription subscription)
    {
        final int anchor = subscription.anchor;
        final int last = --entryCount[anchor];
        final int entry = subscription.entry;
        final int[] list = entries[anchor];
        final Subscription[] listOwners = owners[anchor];
        if (entry != last)
        {
            System.arraycopy(list, last * STRIDE, list, entry * STRIDE, STRIDE);
            final Subscription moved = listOwners[last];
            listOwners[entry] = moved;
            moved.entry = entry;
        }
        listOwners[last] = null;
        if (last == 0)
        {
            entries[anchor] = EMPTY_ENTRIES;
            owners[anchor] = NO_OWNERS;
            anchors.interestRemoved(anchor);
        }
        for (final int tag : subscription.tags)
        {
            tagUse[tag]--;
        }
        size--;
    }

    private int takeSlot(final ClientSession session)
    {
        final int slot;
        if (freeSlotCount > 0)
        {
            slot = freeSlots[--freeSlotCount];
        }
        else
        {
            slot = slotLimit++;
            if (slot == clients.length)
            {
                clients = Arrays.copyOf(clients, slot << 1);
                selectedInPass = Arrays.copyOf(selectedInPass, slot << 1);
            }
        }
        clients[slot] = session;
        return slot;
    }

    private void releaseSlot(final ClientSession session)
    {
        final int slot = session.indexSlot;
        clients[slot] = null;
        session.indexSlot = -1;
        if (freeSlotCount == freeSlots.length)
        {
            freeSlots = Arrays.copyOf(freeSlots, freeSlotCount << 1);
        }
        freeSlots[freeSlotCount++] = slot;
    }

    private void ensureTagCapacity(final int tags)
    {
        if (tags <= entries.length)
        {
            return;
        }
        final int newLength = Math.max(tags, entries.length << 1);
        final int oldLength = entries.length;
        entries = Arrays.copyOf(entries, newLength);
        Arrays.fill(entries, oldLength, newLength, EMPTY_ENTRIES);
        owners = Arrays.copyOf(owners, newLength);
        Arrays.fill(owners, oldLength, newLength, NO_OWNERS);
        entryCount = Arrays.copyOf(entryCount, newLength);
        tagUse = Arrays.copyOf(tagUse, newLength);
        messageBits = new long[(newLength + 63) >>> 6];
    }
}
