package io.mist.engine.match;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The subscriptions of one client, keyed by tag set so a repeated subscribe is stored once and unsubscribe removes
 * exactly the set named. Owned by the matcher thread.
 */
public final class SessionSubscriptions
{
    private Map<TagSet, Subscription> byTags;

    public int size()
    {
        return byTags == null ? 0 : byTags.size();
    }

    Subscription get(final TagSet probe)
    {
        return byTags == null ? null : byTags.get(probe);
    }

    void put(final TagSet key, final Subscription subscription)
    {
        if (byTags == null)
        {
            byTags = new HashMap<>(8);
        }
        byTags.put(key, subscription);
    }

    Subscription remove(final TagSet probe)
    {
        return byTags == null ? null : byTags.remove(probe);
    }

    /** Removes and returns every subscription. */
    List<Subscription> clear()
    {
        if (byTags == null)
        {
            return List.of();
        }
        final List<Subscription> all = new ArrayList<>(byTags.values());
        byTags = null;
        return all;
    }

    /** The tag id sequences of every subscription, in no particular order. */
    public List<int[]> tagSets()
    {
        final List<int[]> sets = new ArrayList<>(size());
        if (byTags != null)
        {
            for (final Subscription s : byTags.values())
            {
                sets.add(s.tags);
            }
        }
        return sets;
    }
}
