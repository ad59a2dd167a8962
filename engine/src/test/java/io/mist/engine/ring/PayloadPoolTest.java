package io.mist.engine.ring;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class PayloadPoolTest
{
    @Test
    void arraysComeInPowersOfTwoFromFourKibibytes()
    {
        final PayloadPool pool = new PayloadPool();
        assertEquals(4096, pool.acquire(2100).length);
        assertEquals(4096, pool.acquire(4096).length);
        assertEquals(8192, pool.acquire(4097).length);
        assertEquals(32768, pool.acquire(16 * 1024 + 40).length);
        assertEquals(1 << 20, pool.acquire(1 << 20).length);
        assertEquals((1 << 20) + 1, pool.acquire((1 << 20) + 1).length, "beyond 1 MiB: exactly what is asked");
        assertEquals(6, pool.allocations());
    }

    @Test
    void aReleasedArrayIsLentAgainInsteadOfAllocating()
    {
        final PayloadPool pool = new PayloadPool();
        final byte[] first = pool.acquire(20_000);
        pool.release(first);
        assertEquals(first.length, pool.idleBytes());
        assertSame(first, pool.acquire(17_000));
        assertEquals(1, pool.allocations());
        assertEquals(0, pool.idleBytes());
        assertNotSame(first, pool.acquire(17_000), "lent out: the next needs a new one");
        assertEquals(2, pool.allocations());
    }

    @Test
    void keepsABoundedNumberIdleAndNothingItDidNotLend()
    {
        final PayloadPool pool = new PayloadPool();
        final List<byte[]> lent = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
        {
            lent.add(pool.acquire(32 * 1024));
        }
        lent.forEach(pool::release);
        assertEquals(PayloadPool.IDLE_BYTES_PER_SIZE, pool.idleBytes(), "at most 8 MiB of one size stays idle");

        final PayloadPool other = new PayloadPool();
        other.release(new byte[5000]);
        other.release(new byte[1024]);
        other.release(new byte[2 << 20]);
        assertEquals(0, other.idleBytes());
    }
}
