package io.mist.engine.match;

import io.mist.engine.session.ClientSession;

import java.util.Arrays;

/**
 * Every client's subscriptions, indexed for mist's rule: a message reaches a client when at least one of the client's
 * subscriptions is a subset of the message's tags (set semantics), never the publisher, at most once.
 * <p>
 * Each subscription is filed under one of its tags (its <em>anchor</em>, the one with the shortest list when it was
 * added). Matching marks the message's tags in a bitset over tag ids, walks the anchor lists of those tags, and
 * checks each candidate's other tags against the bitset. Allocation-free per message. Owned by the matcher thread.
 */
public final class SubscriptionIndex
{
    /** Receives each client selected for a message, once. */
    @FunctionalInterface
    public interface MatchSink
    {
        void onMatch(ClientSession session);
    }

    private static final Subscription[] NONE = new Subscription[0];

    private Subscription[][] anchored = new Subscription[64][];
    private int[] anchoredCount = new int[64];
    /** How many subscriptions contain each tag (for listall). */
    private int[] tagUse = new int[64];
    private long[] messageBits = new long[1];
    private long stamp;
    private int size;
    private final TagSet probe = new TagSet();

    public SubscriptionIndex()
    {
        Arrays.fill(anchored, NONE);
    }

    /** Total subscriptions held. */
    public int size()
    {
        return size;
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

        final Subscription subscription = new Subscription(session, copy);
        int anchor = copy[0];
        for (final int tag : copy)
        {
            if (anchoredCount[tag] < anchoredCount[anchor])
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
        return removed;
    }

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
        final int limit = anchored.length;
        for (int i = 0; i < count; i++)
        {
            final int tag = tags[i];
            if (tag < limit)
            {
                bits[tag >>> 6] |= 1L << tag;
            }
        }

        int selected = 0;
        for (int i = 0; i < count; i++)
        {
            final int tag = tags[i];
            if (tag >= limit)
            {
                continue;
            }
            final Subscription[] candidates = anchored[tag];
            for (int c = 0, n = anchoredCount[tag]; c < n; c++)
            {
                final Subscription candidate = candidates[c];
                // The subset test first: it fails for most multi-tag candidates and needs no session.
                final int[] required = candidate.tags;
                if (required.length > 1 && !allMarked(required, bits))
                {
                    continue;
                }
                final ClientSession session = candidate.session;
                if (session.matchStamp == pass || session == publisher)
                {
                    continue;
                }
                session.matchStamp = pass;
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
        Subscription[] list = anchored[anchor];
        final int n = anchoredCount[anchor];
        if (n == list.length)
        {
            list = Arrays.copyOf(list, Math.max(4, n << 1));
            anchored[anchor] = list;
        }
        list[n] = subscription;
        subscription.anchor = anchor;
        subscription.slot = n;
        anchoredCount[anchor] = n + 1;
    }

    private void unfile(final Subscription subscription)
    {
        final int anchor = subscription.anchor;
        final Subscription[] list = anchored[anchor];
        final int last = --anchoredCount[anchor];
        final Subscription moved = list[last];
        list[subscription.slot] = moved;
        moved.slot = subscription.slot;
        list[last] = null;
        if (last == 0)
        {
            anchored[anchor] = NONE;
        }
        for (final int tag : subscription.tags)
        {
            tagUse[tag]--;
        }
        size--;
    }

    private void ensureTagCapacity(final int tags)
    {
        if (tags <= anchored.length)
        {
            return;
        }
        final int newLength = Math.max(tags, anchored.length << 1);
        final int oldLength = anchored.length;
        anchored = Arrays.copyOf(anchored, newLength);
        Arrays.fill(anchored, oldLength, newLength, NONE);
        anchoredCount = Arrays.copyOf(anchoredCount, newLength);
        tagUse = Arrays.copyOf(tagUse, newLength);
        messageBits = new long[(newLength + 63) >>> 6];
    }
}
