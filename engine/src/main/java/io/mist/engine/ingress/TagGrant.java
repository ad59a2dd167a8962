package io.mist.engine.ingress;

import java.util.Arrays;

/**
 * The tags a restricted connection may use, as interned tag ids, sorted: it may subscribe only to sets holding at
 * least one of them and publish only messages whose tags are all among them. Immutable; a change of the token's tags
 * makes a new one.
 */
public final class TagGrant
{
    private final int[] ids;

    /** @param ids interned ids of the granted tags, in any order. */
    public TagGrant(final int[] ids)
    {
        this.ids = ids.clone();
        Arrays.sort(this.ids);
    }

    public boolean contains(final int id)
    {
        return id >= 0 && Arrays.binarySearch(ids, id) >= 0;
    }

    /** Whether at least one of {@code tags[0, count)} is granted. */
    public boolean containsAny(final int[] tags, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (contains(tags[i]))
            {
                return true;
            }
        }
        return false;
    }

    /** Whether every one of {@code tags[0, count)} is granted. */
    public boolean containsAll(final int[] tags, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (!contains(tags[i]))
            {
                return false;
            }
        }
        return true;
    }

    int size()
    {
        return ids.length;
    }

    int id(final int index)
    {
        return ids[index];
    }
}
