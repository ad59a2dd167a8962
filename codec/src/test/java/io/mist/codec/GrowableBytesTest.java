package io.mist.codec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GrowableBytesTest
{
    /** Hands out exact-size arrays and records what it lent and got back. */
    private static final class RecordingPool implements ByteArrayPool
    {
        final List<byte[]> lent = new ArrayList<>();
        final List<byte[]> returned = new ArrayList<>();

        @Override
        public byte[] acquire(final int minCapacity)
        {
            final byte[] array = new byte[minCapacity];
            lent.add(array);
            return array;
        }

        @Override
        public void release(final byte[] array)
        {
            returned.add(array);
        }
    }

    private static byte[] bytes(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31);
        }
        return bytes;
    }

    @Test
    void growsIntoItsOwnArraysBelowThePooledSize()
    {
        final RecordingPool pool = new RecordingPool();
        final GrowableBytes out = new GrowableBytes(16, pool, 1024);
        out.put(bytes(500), 0, 500);
        assertTrue(pool.lent.isEmpty(), "500 bytes stay below the pooled size");
        final byte[] own = out.array();
        out.recycle();
        assertSame(own, out.array(), "its own grown array is kept");
        assertEquals(0, out.length());
    }

    @Test
    void borrowsBeyondThePooledSizeKeepsTheContentAndGivesTheArrayBack()
    {
        final RecordingPool pool = new RecordingPool();
        final GrowableBytes out = new GrowableBytes(16, pool, 1024);
        final byte[] content = bytes(5000);
        out.put(content, 0, 100);
        final byte[] own = out.array(); // grown to 100 bytes of its own
        assertTrue(pool.lent.isEmpty());
        out.put(content, 100, 4900);
        assertEquals(1, pool.lent.size(), "one array borrowed for the large content");
        assertSame(pool.lent.get(0), out.array());
        assertArrayEquals(content, Arrays.copyOf(out.array(), out.length()));

        out.put(bytes(20000), 0, 20000); // outgrows the borrowed array: the first goes back at once
        assertEquals(2, pool.lent.size());
        assertEquals(List.of(pool.lent.get(0)), pool.returned);
        assertArrayEquals(content, Arrays.copyOf(out.array(), 5000), "content survives the second growth");

        out.recycle();
        assertEquals(List.of(pool.lent.get(0), pool.lent.get(1)), pool.returned);
        assertSame(own, out.array(), "back on its own small array");
        assertEquals(0, out.length());
        out.recycle();
        assertEquals(2, pool.returned.size(), "nothing is given back twice");
    }

    @Test
    void withoutAPoolRecycleOnlyEmptiesIt()
    {
        final GrowableBytes out = new GrowableBytes(16);
        out.put(bytes(100_000), 0, 100_000);
        final byte[] grown = out.array();
        out.recycle();
        assertSame(grown, out.array());
        assertEquals(0, out.length());
    }
}
