package io.mist.engine.outbound;

import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboundRingTest
{
    private static byte[] frame(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed + i);
        }
        return bytes;
    }

    private static boolean offer(final OutboundRing ring, final byte[] bytes)
    {
        return ring.offer(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /** Drains everything into one byte stream, as the socket sees it. */
    private static byte[] drainAll(final OutboundRing ring)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ControlledMessageHandler handler = (type, buffer, index, length) ->
        {
            final byte[] chunk = new byte[length];
            final ByteBuffer memory = buffer.byteBuffer();
            memory.clear().position(index).limit(index + length);
            memory.get(chunk);
            out.write(chunk, 0, length);
            return ControlledMessageHandler.Action.CONTINUE;
        };
        while (ring.drain(handler, Integer.MAX_VALUE) > 0)
        {
            // keep draining
        }
        return out.toByteArray();
    }

    @Test
    void framesComeOutInOrder()
    {
        final OutboundRing ring = new OutboundRing(4096);
        final byte[] a = frame(10, 1);
        final byte[] b = frame(300, 2);
        assertTrue(offer(ring, a));
        assertTrue(offer(ring, b));
        final byte[] expected = new byte[310];
        System.arraycopy(a, 0, expected, 0, 10);
        System.arraycopy(b, 0, expected, 10, 300);
        assertArrayEquals(expected, drainAll(ring));
    }

    @Test
    void fullRingRefusesAFrameWholeAndAcceptsAgainAfterDraining()
    {
        final OutboundRing ring = new OutboundRing(4096);
        final byte[] f = frame(100, 3);
        int accepted = 0;
        while (offer(ring, f))
        {
            accepted++;
        }
        assertTrue(accepted > 10 && accepted < 4096 / 100);
        final byte[] drained = drainAll(ring);
        assertEquals(accepted * 100, drained.length, "nothing partial was queued");
        assertTrue(offer(ring, f));
    }

    @Test
    void frameLargerThanARecordIsSplitAndReassembled()
    {
        final OutboundRing ring = new OutboundRing(8192);
        assertTrue(ring.maxRecord() < 2000);
        final byte[] big = frame(OutboundRing.largestFrame(8192), 7);
        assertTrue(offer(ring, frame(500, 1)));
        drainAll(ring); // move the ring's position so the split frame wraps around the end
        assertTrue(offer(ring, big));
        assertArrayEquals(big, drainAll(ring));
    }

    @Test
    void frameLargerThanHalfTheRingIsRefused()
    {
        final OutboundRing ring = new OutboundRing(8192);
        assertFalse(offer(ring, frame(OutboundRing.largestFrame(8192) + 1, 0)));
        assertEquals(0, ring.size());
    }

    @Test
    void splitFrameIsRefusedWholeWhenItDoesNotFit()
    {
        final OutboundRing ring = new OutboundRing(8192);
        assertTrue(offer(ring, frame(3500, 1)));
        final int before = ring.size();
        assertFalse(offer(ring, frame(4000, 2)));
        assertEquals(before, ring.size());
        assertEquals(3500, drainAll(ring).length);
    }

    @Test
    void randomTrafficKeepsTheByteStreamExact()
    {
        final java.util.Random random = new java.util.Random(42);
        final OutboundRing ring = new OutboundRing(16384);
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        final ByteArrayOutputStream actual = new ByteArrayOutputStream();
        for (int i = 0; i < 5000; i++)
        {
            final byte[] f = frame(1 + random.nextInt(random.nextInt(10) == 0 ? 8192 : 200), i);
            if (offer(ring, f))
            {
                expected.write(f, 0, f.length);
            }
            if (random.nextInt(4) == 0)
            {
                final byte[] out = drainAll(ring);
                actual.write(out, 0, out.length);
            }
        }
        final byte[] out = drainAll(ring);
        actual.write(out, 0, out.length);
        assertTrue(Arrays.equals(expected.toByteArray(), actual.toByteArray()));
    }

    @Test
    void aQuietClientHoldsOnlyTheInitialRing()
    {
        final OutboundRing ring = new OutboundRing(1 << 20);
        assertEquals(OutboundRing.INITIAL_CAPACITY, ring.allocated());
        assertTrue(offer(ring, frame(100, 1)));
        assertEquals(OutboundRing.INITIAL_CAPACITY, ring.allocated(), "a frame that fits does not grow the queue");
    }

    @Test
    void theQueueGrowsUpToItsCapacityThenDropsAndKeepsTheOrder()
    {
        final OutboundRing ring = new OutboundRing(1 << 20);
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int accepted = 0;
        int frames = 0;
        while (true)
        {
            final byte[] f = frame(1000, frames++);
            if (!offer(ring, f))
            {
                break;
            }
            expected.write(f, 0, f.length);
            accepted += f.length;
        }
        // A stalled client: 16 KiB, 32 KiB, ... 1 MiB rings, the last one full before the first drop.
        assertTrue(accepted > 1 << 20, "accepted " + accepted + " bytes before the first drop");
        assertTrue(ring.allocated() <= 2 << 20, "allocated " + ring.allocated());
        assertArrayEquals(expected.toByteArray(), drainAll(ring));
        assertEquals(0, ring.size());
        assertEquals(1 << 20, ring.allocated(), "drained rings are let go; the largest stays");
        assertTrue(offer(ring, frame(1000, 7)), "accepts again once drained");
    }

    /**
     * What the JVM-wide direct memory figure may move by meanwhile for reasons of its own: the JDK's cleaner freeing
     * an earlier test's buffers (a CI run read 31,488 bytes less than this ring alone held). The assertions that use it
     * tell apart changes of megabytes.
     */
    private static final long NOISE = 1 << 20;

    private static long directMemoryUsed()
    {
        return DirectMemoryBudget.directPool().getMemoryUsed();
    }

    @Test
    void outgrownRingsAreFreedOnceDrainedNotLeftToTheCollector()
    {
        // 16 KiB, 32 KiB, ... 16 MiB: the outgrown rings are 16 MiB together. A data path that allocates nothing may
        // not see a garbage collection for hours, so rings left to the collector stayed in direct memory.
        final int capacity = 16 << 20;
        final long before = directMemoryUsed();
        final OutboundRing ring = new OutboundRing(capacity);
        final byte[] f = frame(1000, 3);
        int frames = 0;
        for (; frames * f.length < 9 << 20; frames++)
        {
            assertTrue(offer(ring, f));
        }
        // 16 KiB + 32 KiB + ... + 8 MiB hold the 9 MiB: the last ring is half of what is allocated.
        final long allocated = ring.allocated();
        assertEquals((8 << 20) * 2 - OutboundRing.INITIAL_CAPACITY, allocated, "every ring holds frames");
        final long grown = directMemoryUsed() - before;
        assertTrue(grown >= allocated - NOISE, "grown " + grown);
        assertEquals(frames * f.length, drainAll(ring).length, "all drained");
        final long held = directMemoryUsed() - before;
        assertTrue(held < allocated / 2 + NOISE, "held after draining: " + held + " bytes (the last ring is " +
            (8 << 20) + ")");
        ring.release();
        assertTrue(directMemoryUsed() - before < NOISE, "released: " + (directMemoryUsed() - before));
    }

    @Test
    void aRingOutgrownWhileAnotherThreadWalksTheRingsIsFreedAfterIt()
    {
        final long before = directMemoryUsed();
        final OutboundRing ring = new OutboundRing(16 << 20);
        final byte[] f = frame(1000, 4);
        for (int queued = 0; queued < 9 << 20; queued += f.length)
        {
            assertTrue(offer(ring, f));
        }
        final long allocated = ring.allocated();
        ring.enterReader(); // as size() and allocated() do, from the metrics or connections listing thread
        drainAll(ring);
        // Freeing under the reader would drop every outgrown ring at once, 8 MiB less 16 KiB: far beyond NOISE.
        assertTrue(directMemoryUsed() - before >= allocated - NOISE, "nothing freed under the reader: " +
            (directMemoryUsed() - before) + " of " + allocated);
        ring.exitReader();
        assertTrue(offer(ring, f));
        drainAll(ring);
        assertTrue(directMemoryUsed() - before < allocated / 2 + NOISE, "freed at the next drain: " +
            (directMemoryUsed() - before));
        ring.release();
        assertEquals(0, ring.allocated(), "a released ring's rings are not walked");
        assertEquals(0, ring.size());
        assertTrue(directMemoryUsed() - before < NOISE, "released: " + (directMemoryUsed() - before));
    }

    @Test
    void aRingDoesNotGrowPastTheDirectMemoryBudgetAndDropsInstead()
    {
        // A 64 MiB limit keeps 16 MiB of headroom: rings may take the JVM's direct memory up to 48 MiB.
        final java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong(48L << 20);
        final OutboundRing ring = new OutboundRing(1 << 20, null, new DirectMemoryBudget(64L << 20, used::get));
        final byte[] f = frame(1000, 6);
        int accepted = 0;
        while (offer(ring, f))
        {
            accepted++;
        }
        assertTrue(accepted * f.length < OutboundRing.INITIAL_CAPACITY, "only the first ring filled: " + accepted);
        assertEquals(OutboundRing.INITIAL_CAPACITY, ring.allocated(), "no larger ring was allocated");
        used.set(0);
        assertTrue(offer(ring, f), "grows once the memory is there");
        assertEquals(OutboundRing.INITIAL_CAPACITY * 3, ring.allocated());
        ring.release();
    }

    @Test
    void theBudgetKeepsAQuarterOfTheLimitUpTo32MiBForSocketBuffers()
    {
        assertTrue(new DirectMemoryBudget(16L << 20, () -> 0).mayTake(12L << 20));
        assertFalse(new DirectMemoryBudget(16L << 20, () -> 0).mayTake((12L << 20) + 1));
        assertTrue(new DirectMemoryBudget(1L << 30, () -> (1L << 30) - (33L << 20)).mayTake(1L << 20));
        assertFalse(new DirectMemoryBudget(1L << 30, () -> (1L << 30) - (33L << 20)).mayTake((1L << 20) + 1));
        assertTrue(DirectMemoryBudget.JVM.mayTake(OutboundRing.INITIAL_CAPACITY), "this JVM has room for a ring");
    }

    @Test
    void aNewClientIsRefusedWhenItsFirstRingWouldNotFitTheBudget()
    {
        final long limit = 64L << 20;
        final long rings = 48L << 20;
        assertNull(new DirectMemoryBudget(limit, () -> rings - OutboundRing.INITIAL_CAPACITY).newClientRefusal());
        assertEquals("Out of memory for client buffers - 47 MiB of direct memory in use, 48 MiB available to " +
            "clients of the 64 MiB limit (-XX:MaxDirectMemorySize; lower --client-buffer-size to hold more busy " +
            "clients)", new DirectMemoryBudget(limit, () -> rings - OutboundRing.INITIAL_CAPACITY + 1)
            .newClientRefusal());
    }

    @Test
    void aFrameTooLargeForTheCurrentRingGoesIntoALargerOne()
    {
        final OutboundRing ring = new OutboundRing(1 << 20);
        assertTrue(offer(ring, frame(10, 1)));
        final byte[] large = frame(300_000, 2);
        assertTrue(offer(ring, large), "up to half the capacity is accepted");
        assertTrue(ring.allocated() >= OutboundRing.INITIAL_CAPACITY + 600_000);
        final byte[] both = new byte[10 + large.length];
        System.arraycopy(frame(10, 1), 0, both, 0, 10);
        System.arraycopy(large, 0, both, 10, large.length);
        assertArrayEquals(both, drainAll(ring));
    }

    @Test
    void aConcurrentProducerAndConsumerSeeOneExactStreamAcrossGrowth() throws Exception
    {
        final OutboundRing ring = new OutboundRing(1 << 18);
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        final ByteArrayOutputStream actual = new ByteArrayOutputStream();
        final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        final Thread consumer = new Thread(() ->
        {
            final ControlledMessageHandler handler = (type, buffer, index, length) ->
            {
                final byte[] chunk = new byte[length];
                buffer.getBytes(index, chunk);
                actual.write(chunk, 0, length);
                return ControlledMessageHandler.Action.CONTINUE;
            };
            while (true)
            {
                final boolean finished = done.get(); // read before draining: nothing is offered after it is set
                if (ring.drain(handler, 7) == 0 && finished && ring.size() == 0)
                {
                    return;
                }
            }
        });
        consumer.start();
        final java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 200_000; i++)
        {
            final byte[] f = frame(1 + random.nextInt(random.nextInt(50) == 0 ? 20_000 : 300), i);
            if (offer(ring, f))
            {
                expected.write(f, 0, f.length);
            }
        }
        done.set(true);
        consumer.join(30_000);
        assertFalse(consumer.isAlive());
        assertTrue(Arrays.equals(expected.toByteArray(), actual.toByteArray()), "the stream came out exact");
    }
}
