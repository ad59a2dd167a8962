package io.mist.engine.ingress;

import io.mist.codec.MistFrame;

import java.util.Arrays;

/**
 * Sorts a frame's tags byte-wise (as mist delivers them) without moving bytes: it orders tag indices, a few by
 * insertion, more with a bottom-up merge sort over reusable scratch arrays, O(n log n); allocation-free once warm.
 * Owned by the IO thread of one connection.
 */
final class TagOrder
{
    /** Up to this many tags are sorted by insertion, more by merging (O(n log n) for publishes of thousands). */
    static final int INSERTION_MAX = 12;
    /** Arrays beyond this many tags are given back on the next ordinary frame. */
    private static final int RETAINED = 1024;

    private int[] order = new int[16];
    private int[] scratch = new int[16];

    /** Sorts the frame's tags; returns the array holding the tag indices in order in {@code [0, tagCount)}. */
    int[] sort(final MistFrame frame)
    {
        final int n = frame.tagCount();
        if (order.length < n || (order.length > RETAINED && n <= RETAINED))
        {
            order = new int[Math.max(16, n)];
            scratch = new int[order.length];
        }
        int[] src = order;
        int[] dst = scratch;
        for (int i = 0; i < n; i++)
        {
            src[i] = i;
        }
        if (n <= INSERTION_MAX)
        {
            insertionSort(frame, src, n);
            return src;
        }
        for (int width = 1; width < n; width <<= 1)
        {
            for (int lo = 0; lo < n; lo += width << 1)
            {
                final int mid = Math.min(lo + width, n);
                final int hi = Math.min(lo + (width << 1), n);
                int a = lo;
                int b = mid;
                int w = lo;
                while (a < mid && b < hi)
                {
                    dst[w++] = compare(frame, src[b], src[a]) < 0 ? src[b++] : src[a++];
                }
                while (a < mid)
                {
                    dst[w++] = src[a++];
                }
                while (b < hi)
                {
                    dst[w++] = src[b++];
                }
            }
            final int[] t = src;
            src = dst;
            dst = t;
        }
        order = src;
        scratch = dst;
        return src;
    }

    /**
     * Sorts {@code order[0, n)} in place, stably: for the few tags a publish usually has, fewer comparisons and no
     * passes over scratch arrays.
     */
    private static void insertionSort(final MistFrame frame, final int[] order, final int n)
    {
        for (int i = 1; i < n; i++)
        {
            final int tag = order[i];
            int j = i - 1;
            while (j >= 0 && compare(frame, tag, order[j]) < 0)
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = tag;
        }
    }

    /** Whether two tags of the frame are the same bytes (lengths compared first). */
    static boolean same(final MistFrame frame, final int x, final int y)
    {
        final byte[] bytes = frame.tagBytes();
        final int xo = frame.tagOffset(x);
        final int yo = frame.tagOffset(y);
        return Arrays.equals(bytes, xo, xo + frame.tagLength(x), bytes, yo, yo + frame.tagLength(y));
    }

    /** Byte-wise (unsigned) comparison of two tags of the frame, as Go compares strings. */
    static int compare(final MistFrame frame, final int x, final int y)
    {
        final byte[] bytes = frame.tagBytes();
        final int xo = frame.tagOffset(x);
        final int yo = frame.tagOffset(y);
        return Arrays.compareUnsigned(bytes, xo, xo + frame.tagLength(x), bytes, yo, yo + frame.tagLength(y));
    }
}
