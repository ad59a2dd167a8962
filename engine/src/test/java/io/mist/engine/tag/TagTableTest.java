package io.mist.engine.tag;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TagTableTest
{
    private static byte[] b(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void internGivesStableDenseIdsAndLookupFindsThem()
    {
        final TagTable table = new TagTable();
        assertEquals(-1, table.lookup(b("a"), 0, 1));
        final int a = table.intern(b("a"), 0, 1);
        final int bId = table.intern(b("xbx"), 1, 1);
        assertEquals(0, a);
        assertEquals(1, bId);
        assertEquals(a, table.intern(b("a"), 0, 1));
        assertEquals(bId, table.lookup(b("b"), 0, 1));
        assertArrayEquals(b("b"), table.bytes(bId));
        assertNotEquals(a, table.intern(b(""), 0, 0));
    }

    @Test
    void clientsTagsStopAtTheLimitWhileKnownAndTrustedOnesStillGetIds()
    {
        final TagTable table = new TagTable(2);
        assertEquals(0, table.internWithinLimit(b("a"), 0, 1));
        assertEquals(1, table.internWithinLimit(b("b"), 0, 1));
        assertEquals(TagTable.FULL, table.internWithinLimit(b("c"), 0, 1));
        assertEquals(-1, table.lookup(b("c"), 0, 1), "a refused tag is not interned");
        assertEquals(1, table.internWithinLimit(b("b"), 0, 1), "a known tag is found at the limit");
        assertEquals(2, table.intern(b("granted"), 0, 7), "an admin's tag is interned whatever the limit");
        assertEquals(3, table.size());
    }

    @Test
    void survivesGrowthWithManyTags()
    {
        final TagTable table = new TagTable();
        for (int i = 0; i < 50_000; i++)
        {
            final byte[] tag = b("tag-" + i);
            assertEquals(i, table.intern(tag, 0, tag.length));
        }
        for (int i = 0; i < 50_000; i++)
        {
            final byte[] tag = b("tag-" + i);
            assertEquals(i, table.lookup(tag, 0, tag.length));
            assertArrayEquals(tag, table.bytes(i));
        }
    }

    @Test
    void findsEveryLengthFromAnyOffsetAndTellsNearTagsApart()
    {
        // Lengths around the hash's word and half-word steps, each tag read back from a slice of a larger buffer.
        final TagTable table = new TagTable();
        final List<byte[]> tags = new ArrayList<>();
        for (int length = 0; length <= 40; length++)
        {
            for (int position = 0; position < Math.max(1, length); position++)
            {
                final byte[] tag = b("x".repeat(length));
                if (length > 0)
                {
                    tag[position] = 'y'; // differs from its neighbours in one byte only
                }
                tags.add(tag);
                table.intern(tag, 0, tag.length);
            }
        }
        for (int id = 0; id < tags.size(); id++)
        {
            final byte[] tag = tags.get(id);
            final byte[] framed = new byte[tag.length + 11];
            System.arraycopy(tag, 0, framed, 5, tag.length);
            assertEquals(id, table.lookup(framed, 5, tag.length), "tag " + new String(tag,
                StandardCharsets.UTF_8));
        }
    }

    @Test
    void comparesTagsByHeadTailAndMiddleWordsExactly()
    {
        // A lookup compares a probe with a slot's tag only when their hashes agree, so near tags seldom reach the
        // comparison through the table: it is checked directly, every pair of tags that differ in one byte (and
        // every tag with itself), at every length around the 8- and 16-byte words, from an offset in a buffer.
        for (int length = 0; length <= 40; length++)
        {
            final List<byte[]> near = new ArrayList<>();
            near.add(b("x".repeat(length)));
            for (int position = 0; position < length; position++)
            {
                final byte[] tag = b("x".repeat(length));
                tag[position] = 'y';
                near.add(tag);
            }
            for (final byte[] interned : near)
            {
                for (final byte[] tag : near)
                {
                    final byte[] framed = new byte[tag.length + 11];
                    System.arraycopy(tag, 0, framed, 5, tag.length);
                    assertEquals(java.util.Arrays.equals(interned, tag),
                        TagTable.same(interned, TagTable.head(interned, 0, interned.length),
                            TagTable.tail(interned, 0, interned.length), framed, 5, tag.length,
                            TagTable.head(framed, 5, tag.length), TagTable.tail(framed, 5, tag.length)),
                        new String(interned, StandardCharsets.UTF_8) + " vs " + new String(tag, StandardCharsets.UTF_8));
                }
            }
            final byte[] longer = b("x".repeat(length + 1));
            assertTrue(!TagTable.same(near.get(0), TagTable.head(near.get(0), 0, length),
                TagTable.tail(near.get(0), 0, length), longer, 0, length + 1, TagTable.head(longer, 0, length + 1),
                TagTable.tail(longer, 0, length + 1)), "lengths " + length + " and " + (length + 1));
        }
    }

    @Test
    void similarTagsSpreadOverTheTable()
    {
        // Counter-like tags differ in a few bytes: a hash that mixes them poorly piles them into a few runs of
        // slots, and every lookup walks a run (one weak version averaged 58 slots per lookup of 1,000 such tags).
        final int slots = 2048;
        final java.util.BitSet used = new java.util.BitSet(slots);
        for (int i = 0; i < 1000; i++)
        {
            final byte[] tag = b("tag-" + i);
            used.set(TagTable.hash(tag, 0, tag.length) & (slots - 1));
        }
        // Random placement fills about 2048 * (1 - e^(-1000/2048)) = 795 distinct slots.
        assertTrue(used.cardinality() > 700, "distinct slots: " + used.cardinality());
    }

    @Test
    void concurrentInternersAgreeOnIds() throws Exception
    {
        final TagTable table = new TagTable();
        final int threads = 4;
        final int tags = 20_000;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final CountDownLatch start = new CountDownLatch(1);
        final List<Future<int[]>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int offset = t;
            results.add(pool.submit(() ->
            {
                start.await();
                final int[] ids = new int[tags];
                for (int i = 0; i < tags; i++)
                {
                    final int k = (i + offset * 997) % tags;
                    final byte[] tag = b("t" + k);
                    ids[k] = table.intern(tag, 0, tag.length);
                    if (table.lookup(tag, 0, tag.length) != ids[k])
                    {
                        throw new AssertionError("lookup disagrees with intern for t" + k);
                    }
                }
                return ids;
            }));
        }
        start.countDown();
        final int[] first = results.get(0).get();
        for (final Future<int[]> result : results)
        {
            assertArrayEquals(first, result.get());
        }
        pool.shutdown();
        assertEquals(tags, table.size());
    }
}
