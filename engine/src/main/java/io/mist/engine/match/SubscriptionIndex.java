package io.mist.engine.match;

import io.mist.engine.cluster.ClusterPort;
import io.mist.engine.session.ClientSession;

import java.util.Arrays;

/**
 * Every client's subscriptions, indexed for mist's rule: a message reaches a client when at least one of the client's
 * subscriptions is a subset of the message's tags (set semantics), never the publisher, at most once.
 * <p>
 * Each subscription is filed under one of its tags (its <em>anchor</em>, the one with the shortest list when it was
 * added). A tag's anchor list is kept for the matcher's scan in one small {@code int[]}, one int per subscription:
 * {@code [singles, others, key filter ×4, slot…, key…]}, where a subscription of that tag alone is its client's slot
 * (it matches whenever the tag is in a message) and a subscription of more tags is one of its other tags, its
 * <em>key</em>. The key filter is 128 bits, one per key id modulo 128: a message none of whose tags hits a bit of it
 * holds none of the list's keys, and the scan skips the keys without reading them (with the 10,000-tag workload of
 * {@code MatcherBenchmark} about three lists in four). Only a candidate whose key is in the message reads its entry in
 * the list's parallel, colder array ({@code [client slot, other tag, other tag]}; subscriptions of more than four tags
 * keep their tags in their {@link Subscription}). So a scan reads at most 4 bytes per subscription that cannot match
 * (none for keys the filter rules out); 100,000 subscriptions over 10,000 tags hold 0.4 MB of entries and 0.24 MB of
 * list headers, and a tag's list spans one or two cache lines. Which clients a message has already selected is a dense
 * array by client slot. Matching marks the message's tags in a bitset over tag ids, walks the anchor lists of those
 * tags and tests each candidate's key, then its other tags, against the bitset. Allocation-free per message. Owned by
 * the matcher thread.
 */
public final class SubscriptionIndex
{
    /** Receives each client selected for a message, once. */
    @FunctionalInterface
    public interface MatchSink
    {
        void onMatch(ClientSession session);
    }

    /** In a hot list: where the count of single-tag subscriptions is, the count of the others, the first entry. */
    private static final int SINGLES = 0;
    private static final int OTHERS = 1;
    /** Four ints: the 128-bit filter of the list's keys, bit {@code key & 127} set for every key. */
    private static final int KEY_FILTER = 2;
    private static final int HEAD = 6;
    /**
     * A list with more keys than this keeps its filter when a subscription leaves (a superset, still right): so many
     * keys set nearly every bit, and recomputing would cost a scan per removal.
     */
    private static final int REFILTER_LIMIT = 128;
    /** A cold entry: {@code [client slot, other tag, other tag]}, for a subscription of two or more tags. */
    private static final int COLD_STRIDE = 3;
    private static final int INLINE_TAGS = 4;
    /** In a cold entry's tag position: no tag there (a subscription of fewer tags). */
    private static final int NO_TAG = -1;
    /** In a cold entry's first tag position: more than {@link #INLINE_TAGS} tags; test the Subscription's. */
    private static final int MANY_TAGS = -2;
    /** The hot list of every tag that anchors nothing: no entries of either kind. Never written. */
    private static final int[] EMPTY_HOT = new int[HEAD];
    private static final int[] EMPTY_COLD = new int[0];
    private static final Subscription[] NO_OWNERS = new Subscription[0];

    /** Per tag id: its anchor list (hot), its cold entries and the subscriptions they belong to (same positions). */
    private int[][] hot = new int[64][];
    private int[][] cold = new int[64][];
    private Subscription[][] owners = new Subscription[64][];
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
        for (int tag = 0; tag < hot.length; tag++)
        {
            if (hot[tag] != EMPTY_HOT)
            {
                action.accept(tag);
            }
        }
    }

    public SubscriptionIndex()
    {
        Arrays.fill(hot, EMPTY_HOT);
        Arrays.fill(cold, EMPTY_COLD);
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
            if (listed(tag) < listed(anchor))
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
        final int publisherSlot = publisher == null ? -1 : publisher.indexSlot;
        final long[] bits = messageBits;
        final int[][] lists = hot;
        final int limit = lists.length;
        // Marking the message's tags also touches each of their anchor lists: the lists lie at unrelated places in
        // memory, and reading them back to back lets the CPU wait for their cache misses together instead of one
        // after another inside the scan below. The same pass builds the message's filter, like a list's key filter:
        // bit (tag & 127), in low or high.
        int touched = 0;
        long low = 0;
        long high = 0;
        for (int i = 0; i < count; i++)
        {
            final int tag = tags[i];
            final long upper = -(long) ((tag >>> 6) & 1);
            low |= (1L << tag) & ~upper;
            high |= (1L << tag) & upper;
            if (tag < limit)
            {
                bits[tag >>> 6] |= 1L << tag;
                touched += lists[tag][SINGLES];
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
            final int[] list = lists[tag];
            final int singlesEnd = HEAD + list[SINGLES];
            final int end = singlesEnd + list[OTHERS];
            for (int p = HEAD; p < singlesEnd; p++)
            {
                selected += select(list[p], pass, publisherSlot, sink);
            }
            if (((filterLow(list) & low) | (filterHigh(list) & high)) == 0)
            {
                continue;
            }
            for (int p = singlesEnd; p < end; p++)
            {
                final int key = list[p];
                if ((bits[key >>> 6] & (1L << key)) != 0)
                {
                    selected += selectIfAllMarked(tag, p - HEAD, bits, pass, publisherSlot, sink);
                }
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

    /** A candidate whose anchor and key are in the message: selects its client if its other tags are too. */
    private int selectIfAllMarked(final int tag, final int entry, final long[] bits, final long pass,
        final int publisherSlot, final MatchSink sink)
    {
        final int[] entries = cold[tag];
        final int at = entry * COLD_STRIDE;
        final int third = entries[at + 1];
        if (third >= 0)
        {
            if ((bits[third >>> 6] & (1L << third)) == 0)
            {
                return 0;
            }
            final int fourth = entries[at + 2];
            if (fourth >= 0 && (bits[fourth >>> 6] & (1L << fourth)) == 0)
            {
                return 0;
            }
        }
        else if (third == MANY_TAGS && !allMarked(owners[tag][entry].tags, bits))
        {
            return 0;
        }
        return select(entries[at], pass, publisherSlot, sink);
    }

    /**
     * Hands the client in {@code slot} to the sink unless it is the publisher's ({@code publisherSlot}, -1 for none)
     * or has been selected in this pass.
     */
    private int select(final int slot, final long pass, final int publisherSlot, final MatchSink sink)
    {
        if (selectedInPass[slot] == pass || slot == publisherSlot)
        {
            return 0;
        }
        selectedInPass[slot] = pass;
        sink.onMatch(clients[slot]);
        return 1;
    }

    /** Bits 0–63 of a list's key filter (keys whose id modulo 128 is below 64). */
    private static long filterLow(final int[] list)
    {
        return ((long) list[KEY_FILTER + 1] << 32) | (list[KEY_FILTER] & 0xFFFF_FFFFL);
    }

    /** Bits 64–127 of a list's key filter. */
    private static long filterHigh(final int[] list)
    {
        return ((long) list[KEY_FILTER + 3] << 32) | (list[KEY_FILTER + 2] & 0xFFFF_FFFFL);
    }

    /** Sets the key's bit in the list's filter: int {@code (key >>> 5) & 3} of the four, bit {@code key & 31}. */
    private static void addToFilter(final int[] list, final int key)
    {
        list[KEY_FILTER + ((key >>> 5) & 3)] |= 1 << key;
    }

    /** Rebuilds a list's key filter from the keys it holds now (after one left). */
    private static void refilter(final int[] list)
    {
        Arrays.fill(list, KEY_FILTER, HEAD, 0);
        final int start = HEAD + list[SINGLES];
        for (int p = start, end = start + list[OTHERS]; p < end; p++)
        {
            addToFilter(list, list[p]);
        }
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

    /** How many subscriptions the tag anchors. */
    private int listed(final int tag)
    {
        final int[] list = hot[tag];
        return list[SINGLES] + list[OTHERS];
    }

    private void file(final Subscription subscription, final int anchor)
    {
        final int n = listed(anchor);
        if (HEAD + n + 1 > hot[anchor].length)
        {
            final int capacity = Math.max(4, n << 1);
            hot[anchor] = Arrays.copyOf(hot[anchor], HEAD + capacity);
            cold[anchor] = Arrays.copyOf(cold[anchor], capacity * COLD_STRIDE);
            owners[anchor] = Arrays.copyOf(owners[anchor], capacity);
        }
        final int[] list = hot[anchor];
        final int[] tags = subscription.tags;
        final int entry;
        if (tags.length == 1)
        {
            // Singles come first: the first of the others moves to the end to make room.
            entry = list[SINGLES];
            if (list[OTHERS] > 0)
            {
                move(anchor, entry, n);
            }
            list[HEAD + entry] = subscription.session.indexSlot;
            list[SINGLES]++;
        }
        else
        {
            entry = n;
            final int at = entry * COLD_STRIDE;
            final int[] entries = cold[anchor];
            entries[at] = subscription.session.indexSlot;
            entries[at + 1] = NO_TAG;
            entries[at + 2] = NO_TAG;
            int key = NO_TAG;
            int w = at + 1;
            for (final int tag : tags)
            {
                if (tag == anchor)
                {
                    continue;
                }
                if (key == NO_TAG)
                {
                    key = tag;
                }
                else if (tags.length <= INLINE_TAGS)
                {
                    entries[w++] = tag;
                }
            }
            if (tags.length > INLINE_TAGS)
            {
                entries[at + 1] = MANY_TAGS;
            }
            list[HEAD + entry] = key;
            list[OTHERS]++;
            addToFilter(list, key);
        }
        owners[anchor][entry] = subscription;
        subscription.anchor = anchor;
        subscription.entry = entry;
        if (n == 0)
        {
            anchors.interestAdded(anchor);
        }
    }

    private void unfile(final Subscription subscription)
    {
        final int anchor = subscription.anchor;
        final int entry = subscription.entry;
        final int[] list = hot[anchor];
        final int singles = list[SINGLES];
        final int last = list[SINGLES] + list[OTHERS] - 1;
        if (entry < singles)
        {
            // The last single fills the gap, then the last of the others fills the last single's place.
            final int lastSingle = singles - 1;
            if (entry != lastSingle)
            {
                move(anchor, lastSingle, entry);
            }
            if (last != lastSingle)
            {
                move(anchor, last, lastSingle);
            }
            list[SINGLES]--;
        }
        else
        {
            if (entry != last)
            {
                move(anchor, last, entry);
            }
            list[OTHERS]--;
            if (list[OTHERS] <= REFILTER_LIMIT)
            {
                refilter(list);
            }
        }
        owners[anchor][last] = null;
        if (last == 0)
        {
            hot[anchor] = EMPTY_HOT;
            cold[anchor] = EMPTY_COLD;
            owners[anchor] = NO_OWNERS;
            anchors.interestRemoved(anchor);
        }
        for (final int tag : subscription.tags)
        {
            tagUse[tag]--;
        }
        size--;
    }

    /** Moves the anchor list entry at {@code from} to {@code to}: hot, cold and owner. */
    private void move(final int anchor, final int from, final int to)
    {
        final int[] list = hot[anchor];
        list[HEAD + to] = list[HEAD + from];
        final int[] entries = cold[anchor];
        System.arraycopy(entries, from * COLD_STRIDE, entries, to * COLD_STRIDE, COLD_STRIDE);
        final Subscription moved = owners[anchor][from];
        owners[anchor][to] = moved;
        moved.entry = to;
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
        if (tags <= hot.length)
        {
            return;
        }
        final int newLength = Math.max(tags, hot.length << 1);
        final int oldLength = hot.length;
        hot = Arrays.copyOf(hot, newLength);
        Arrays.fill(hot, oldLength, newLength, EMPTY_HOT);
        cold = Arrays.copyOf(cold, newLength);
        Arrays.fill(cold, oldLength, newLength, EMPTY_COLD);
        owners = Arrays.copyOf(owners, newLength);
        Arrays.fill(owners, oldLength, newLength, NO_OWNERS);
        tagUse = Arrays.copyOf(tagUse, newLength);
        messageBits = new long[(newLength + 63) >>> 6];
    }
}
