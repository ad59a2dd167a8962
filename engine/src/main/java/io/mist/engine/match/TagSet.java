package io.mist.engine.match;

import java.util.Arrays;

/**
 * A subscription's identity within one client: its canonical tag id sequence. Used as a hash key; the matcher
 * keeps one mutable probe instance for look-ups. Owned by the matcher thread.
 */
final class TagSet
{
    private int[] ids;
    private int count;
    private int hash;

    TagSet()
    {
    }

    TagSet(final int[] ids)
    {
        set(ids, ids.length);
    }

    TagSet set(final int[] ids, final int count)
    {
        this.ids = ids;
        this.count = count;
        int h = 1;
        for (int i = 0; i < count; i++)
        {
            h = 31 * h + ids[i];
        }
        this.hash = h;
        return this;
    }

    @Override
    public int hashCode()
    {
        return hash;
    }

    @Override
    public boolean equals(final Object other)
    {
        if (!(other instanceof TagSet))
        {
            return false;
        }
        final TagSet that = (TagSet)other;
        return hash == that.hash && Arrays.equals(ids, 0, count, that.ids, 0, that.count);
    }
}
