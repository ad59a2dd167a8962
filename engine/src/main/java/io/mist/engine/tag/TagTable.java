package io.mist.engine.tag;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Interns tags: UTF-8 bytes to a dense int id, so the matcher works on ids instead of strings.
 * {@link #lookup} is lock-free and allocation-free and may be called by any thread (IO threads on every publish);
 * {@link #intern} adds a new tag under a lock, which only subscribe needs. Ids are never reused.
 */
public final class TagTable
{
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * An interned tag. Its first and last eight bytes ({@link #head}, {@link #tail}) are kept beside it, so a lookup
     * compares a tag of up to 16 bytes without reading the array (and a longer one reads only its middle).
     */
    private static final class Entry
    {
        final byte[] bytes;
        final int hash;
        final int id;
        final long head;
        final long tail;

        Entry(final byte[] bytes, final int hash, final int id, final long head, final long tail)
        {
            this.bytes = bytes;
            this.hash = hash;
            this.id = id;
            this.head = head;
            this.tail = tail;
        }

        boolean holds(final byte[] src, final int offset, final int length, final long head, final long tail)
        {
            return same(bytes, this.head, this.tail, src, offset, length, head, tail);
        }
    }

    /** What {@link #internWithinLimit} returns for a new tag once the table holds its limit. */
    public static final int FULL = -2;

    /** Open addressing, power-of-two length, at most half full; entries are published with release stores. */
    private volatile Entry[] slots = new Entry[1024];
    /** Index by id; replaced (never shrunk) when full. */
    private volatile Entry[] byId = new Entry[512];
    private int size; // guarded by this
    private final int limit;

    /** A table without a limit on distinct tags. */
    public TagTable()
    {
        this(Integer.MAX_VALUE);
    }

    /** @param limit the most distinct tags {@link #internWithinLimit} adds ({@code --max-distinct-tags}). */
    public TagTable(final int limit)
    {
        this.limit = limit;
    }

    /** The most distinct tags clients may add. */
    public int limit()
    {
        return limit;
    }

    /** @return the id of the tag, or -1 when it has never been interned. */
    public int lookup(final byte[] src, final int offset, final int length)
    {
        final long head = head(src, offset, length);
        final long tail = tail(src, offset, length);
        return find(slots, src, offset, length, hash(src, offset, length, head, tail), head, tail);
    }

    /** @return the id of the tag, interning it first if it is new (whatever the limit: for trusted tags). */
    public int intern(final byte[] src, final int offset, final int length)
    {
        return intern(src, offset, length, Integer.MAX_VALUE);
    }

    /**
     * The id of the tag, interning it first if it is new and the table holds fewer than its limit; else {@link #FULL}.
     * For tags from clients, whose ids are never given back.
     */
    public int internWithinLimit(final byte[] src, final int offset, final int length)
    {
        return intern(src, offset, length, limit);
    }

    private int intern(final byte[] src, final int offset, final int length, final int most)
    {
        final long head = head(src, offset, length);
        final long tail = tail(src, offset, length);
        final int hash = hash(src, offset, length, head, tail);
        final int existing = find(slots, src, offset, length, hash, head, tail);
        if (existing >= 0)
        {
            return existing;
        }
        synchronized (this)
        {
            Entry[] table = slots;
            final int raced = find(table, src, offset, length, hash, head, tail);
            if (raced >= 0)
            {
                return raced;
            }
            if (size >= most)
            {
                return FULL;
            }
            final Entry entry = new Entry(Arrays.copyOfRange(src, offset, offset + length), hash, size, head, tail);
            Entry[] ids = byId;
            if (size == ids.length)
            {
                ids = Arrays.copyOf(ids, size << 1);
            }
            ids[size] = entry;
            byId = ids;
            size++;
            if (size * 2 > table.length)
            {
                table = rehash(table, table.length << 1);
                insert(table, entry);
                slots = table;
            }
            else
            {
                insert(table, entry);
            }
            return entry.id;
        }
    }

    /** The bytes of an interned tag; the id must come from this table. Do not modify the array. */
    public byte[] bytes(final int id)
    {
        return byId[id].bytes;
    }

    /** How many tags have been interned; any thread. */
    public synchronized int size()
    {
        return size;
    }

    /** The id of the tag {@code src[offset, offset + length)}, whose hash, head and tail are given; -1 if absent. */
    private static int find(final Entry[] table, final byte[] src, final int offset, final int length, final int hash,
        final long head, final long tail)
    {
        final int mask = table.length - 1;
        int i = hash & mask;
        while (true)
        {
            final Entry e = (Entry)SLOT.getAcquire(table, i);
            if (e == null)
            {
                return -1;
            }
            if (e.hash == hash && e.holds(src, offset, length, head, tail))
            {
                return e.id;
            }
            i = (i + 1) & mask;
        }
    }

    private static void insert(final Entry[] table, final Entry entry)
    {
        final int mask = table.length - 1;
        int i = entry.hash & mask;
        while (table[i] != null)
        {
            i = (i + 1) & mask;
        }
        SLOT.setRelease(table, i, entry);
    }

    private static Entry[] rehash(final Entry[] old, final int newLength)
    {
        final Entry[] table = new Entry[newLength];
        for (final Entry e : old)
        {
            if (e != null)
            {
                insert(table, e);
            }
        }
        return table;
    }

    /**
     * Whether {@code interned} (with its {@link #head} and {@link #tail}) holds the same bytes as {@code src[offset,
     * offset + length)} (with its own head and tail).
     */
    static boolean same(final byte[] interned, final long internedHead, final long internedTail, final byte[] src,
        final int offset, final int length, final long head, final long tail)
    {
        if (interned.length != length || internedHead != head || internedTail != tail)
        {
            return false;
        }
        // Head and tail cover 16 bytes; the words in between, if any, from the arrays.
        for (int i = Long.BYTES; i < length - Long.BYTES; i += Long.BYTES)
        {
            if ((long)LONGS.get(interned, i) != (long)LONGS.get(src, offset + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * A tag's first eight bytes as a little-endian word; a shorter tag's bytes all (four to seven: two overlapping
     * ints; fewer: one per byte), so that with its length it is the whole tag.
     */
    static long head(final byte[] src, final int offset, final int length)
    {
        if (length >= Long.BYTES)
        {
            return (long)LONGS.get(src, offset);
        }
        if (length >= Integer.BYTES)
        {
            return ((int)INTS.get(src, offset) & 0xFFFF_FFFFL) |
                (long)(int)INTS.get(src, offset + length - Integer.BYTES) << 32;
        }
        long bytes = 0;
        for (int k = offset, end = offset + length; k < end; k++)
        {
            bytes = bytes << 8 | (src[k] & 0xFF);
        }
        return bytes;
    }

    /** A tag's last eight bytes (overlapping its {@link #head} when shorter than 16); 0 for a tag shorter than 8. */
    static long tail(final byte[] src, final int offset, final int length)
    {
        return length >= Long.BYTES ? (long)LONGS.get(src, offset + length - Long.BYTES) : 0;
    }

    /**
     * Eight bytes per step (a tag is hashed on every publish: FNV-1a's multiply per byte was a tenth of the IO thread's
     * work after decoding), the last partial word read as overlapping or assembled bytes. Both table operations
     * hash with this one function; the values never leave the process.
     */
    static int hash(final byte[] src, final int offset, final int length)
    {
        return hash(src, offset, length, head(src, offset, length), tail(src, offset, length));
    }

    /** {@link #hash(byte[], int, int)} given the tag's {@link #head} and {@link #tail}, which lookups compare too. */
    private static int hash(final byte[] src, final int offset, final int length, final long head, final long tail)
    {
        long h = 0x9E3779B97F4A7C15L ^ length;
        final int end = offset + length;
        int i = offset;
        for (; i <= end - Long.BYTES; i += Long.BYTES)
        {
            h = mix(h, (long)LONGS.get(src, i));
        }
        if (i < end)
        {
            // The last word overlaps bytes already mixed in; a tag under eight bytes is all in its head.
            h = mix(h, length >= Long.BYTES ? tail : head);
        }
        // MurmurHash3's finalizer: every input bit reaches the low bits the table indexes by.
        h = (h ^ h >>> 33) * 0xFF51AFD7ED558CCDL;
        h = (h ^ h >>> 33) * 0xC4CEB9FE1A85EC53L;
        return (int)(h ^ h >>> 33);
    }

    private static long mix(final long h, final long word)
    {
        return Long.rotateLeft(h ^ word * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B97F4A7C15L;
    }
}
