package io.mist.engine.outbound;

import io.mist.engine.ring.PayloadPool;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ControlledMessageHandler.Action;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One copy of a large message for all its receivers: references through the rings, and the array's way back. */
class SharedFramesTest
{
    private final PayloadPool pool = new PayloadPool();
    private final SharedFrames shared = new SharedFrames(pool, 1 << 20);

    /** A frame of {@code length} bytes in an array borrowed from the pool, as the matcher finds a large publish. */
    private byte[] borrowed(final int length, final char fill)
    {
        final byte[] array = pool.acquire(length);
        final byte[] text = ("{\"d\":\"" + String.valueOf(fill).repeat(length - 9) + "\"}\n")
            .getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, array, 0, length);
        return array;
    }

    private static byte[] drainAll(final OutboundRing ring)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ControlledMessageHandler handler = (type, buffer, index, length) ->
        {
            final byte[] chunk = new byte[length];
            buffer.getBytes(index, chunk);
            out.write(chunk, 0, length);
            return Action.CONTINUE;
        };
        while (ring.drain(handler, Integer.MAX_VALUE) > 0)
        {
            // keep draining
        }
        return out.toByteArray();
    }

    @Test
    void theArrayGoesBackToThePoolWithTheLastReferenceEvenWhenReleasesComeBeforeTheSettle()
    {
        final byte[] array = borrowed(5000, 'a');
        final int slot = shared.claim(array, 5000);
        assertNotEquals(SharedFrames.NONE, slot);
        assertSame(array, shared.array(slot));
        assertEquals(5000, shared.length(slot));
        assertEquals(8192, pool.sharedBytes());
        assertEquals(0, pool.lentBytes(), "no longer a request on its way to the matcher");

        shared.release(slot); // two receivers' consumers were quicker than the matcher's settle
        shared.release(slot);
        assertEquals(8192, pool.sharedBytes(), "still held: the third reference and the settle are to come");
        shared.settle(slot, 3);
        assertEquals(1, shared.inUse());
        shared.release(slot);
        assertEquals(0, pool.sharedBytes());
        assertEquals(0, shared.inUse());
        assertEquals(8192, pool.idleBytes(), "back in the pool");
        assertSame(array, pool.acquire(5000), "and lent again");
    }

    @Test
    void aCopyKeptByOneConsumerServesTheOthersAndIsReleasedOnceWithTheSlot()
    {
        final OutboundRing first = new OutboundRing(1 << 20, shared);
        final OutboundRing second = new OutboundRing(1 << 20, shared);
        final int slot = shared.claim(borrowed(5000, 'a'), 5000);
        assertTrue(first.offerShared(slot, 5000, 1));
        assertTrue(second.offerShared(slot, 5000, 1));
        shared.settle(slot, 2);
        final java.util.List<Object> released = new java.util.ArrayList<>();
        final java.util.function.Consumer<Object> release = released::add;
        final Object mine = new Object();
        final Object theirs = new Object();
        final Object[] seen = new Object[4];

        assertEquals(1, first.drain((type, buffer, index, length) ->
        {
            seen[0] = first.sharedCopy();
            seen[1] = first.keepSharedCopy(mine, release);
            return Action.CONTINUE;
        }, Integer.MAX_VALUE));
        assertNull(seen[0], "no copy before the first consumer keeps one");
        assertSame(mine, seen[1]);
        assertEquals(java.util.List.of(), released, "kept while the second reference is queued");

        assertEquals(1, second.drain((type, buffer, index, length) ->
        {
            seen[2] = second.sharedCopy();
            seen[3] = second.keepSharedCopy(theirs, release);
            return Action.CONTINUE;
        }, Integer.MAX_VALUE));
        assertSame(mine, seen[2], "the second consumer finds the first one's copy");
        assertSame(mine, seen[3], "and cannot replace it");
        assertEquals(java.util.List.of(mine), released, "released once, with the last reference");
        assertEquals(0, shared.inUse());

        final int next = shared.claim(borrowed(5000, 'b'), 5000);
        assertNull(shared.copy(next), "a slot's next frame starts without a copy");
        shared.settle(next, 0);
    }

    @Test
    void onlyAHandlerGivenASharedFrameCanKeepACopy()
    {
        final OutboundRing ring = new OutboundRing(1 << 20, shared);
        final byte[] small = "{\"d\":1}\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(ring.offer(new UnsafeBuffer(small), 0, small.length));
        final Object[] copy = new Object[1];
        ring.drain((type, buffer, index, length) ->
        {
            copy[0] = ring.sharedCopy();
            assertThrows(IllegalStateException.class, () -> ring.keepSharedCopy(new Object(), o -> { }));
            return Action.CONTINUE;
        }, Integer.MAX_VALUE);
        assertNull(copy[0]);
    }

    @Test
    void aFrameNoReceiverTookIsGivenBackAtTheSettle()
    {
        final int slot = shared.claim(borrowed(5000, 'a'), 5000);
        shared.settle(slot, 0);
        assertEquals(0, shared.inUse());
        assertEquals(0, pool.sharedBytes());
    }

    @Test
    void claimsAreRefusedBeyondTheBudget()
    {
        final SharedFrames small = new SharedFrames(pool, 20_000);
        final int first = small.claim(borrowed(5000, 'a'), 5000);
        final int second = small.claim(borrowed(5000, 'b'), 5000);
        assertNotEquals(SharedFrames.NONE, first);
        assertNotEquals(SharedFrames.NONE, second);
        final byte[] third = borrowed(5000, 'c');
        assertEquals(SharedFrames.NONE, small.claim(third, 5000), "a third 8 KiB array exceeds 20,000");
        pool.release(third); // copied instead, and given back with its slot
        small.settle(first, 0);
        assertNotEquals(SharedFrames.NONE, small.claim(borrowed(5000, 'c'), 5000), "room again");
    }

    @Test
    void requestsOnTheirWayToTheMatcherCountAgainstTheSameBudget()
    {
        final SharedFrames small = new SharedFrames(pool, 20_000);
        final byte[] inFlight = pool.acquire(16_000); // a request of 16,000 bytes being read: a 16 KiB array
        assertEquals(SharedFrames.NONE, small.claim(borrowed(5000, 'a'), 5000), "16 KiB + 8 KiB exceed 20,000");
        pool.release(inFlight);
        assertNotEquals(SharedFrames.NONE, small.claim(borrowed(5000, 'b'), 5000));
    }

    @Test
    void claimsAreRefusedWhenEverySlotIsHeld()
    {
        final SharedFrames unbounded = new SharedFrames(pool, Long.MAX_VALUE);
        final byte[] array = new byte[16];
        for (int i = 0; i < SharedFrames.SLOTS; i++)
        {
            assertNotEquals(SharedFrames.NONE, unbounded.claim(array, 16));
        }
        assertEquals(SharedFrames.NONE, unbounded.claim(array, 16));
        // The refused claim looked at the first PROBES slots; the next one looks at the next PROBES.
        final int freed = SharedFrames.PROBES + 5;
        unbounded.settle(freed, 0);
        assertEquals(freed, unbounded.claim(array, 16), "a freed slot is found again");
    }

    @Test
    void aRingHandsOverSharedFramesInPlaceOfTheirRecordsInOrder()
    {
        final OutboundRing ring = new OutboundRing(1 << 20, shared);
        final byte[] small = "{\"d\":1}\n".getBytes(StandardCharsets.US_ASCII);
        final byte[] large = borrowed(20_000, 'z');
        final int slot = shared.claim(large, 20_000);
        assertTrue(ring.offer(new UnsafeBuffer(small), 0, small.length));
        assertTrue(ring.offerShared(slot, 20_000, 1));
        assertTrue(ring.offer(new UnsafeBuffer(small), 0, small.length));
        shared.settle(slot, 1);
        assertTrue(ring.size() >= 20_000 + small.length * 2, "the shared bytes count as queued");

        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(small, 0, small.length);
        expected.write(large, 0, 20_000);
        expected.write(small, 0, small.length);
        assertArrayEquals(expected.toByteArray(), drainAll(ring));
        assertEquals(0, ring.size());
        assertEquals(0, shared.inUse(), "the reference was given back");
        assertEquals(0, pool.sharedBytes());
    }

    @Test
    void aFrameTheConsumerCouldNotTakeYetStaysQueuedAndHeld()
    {
        final OutboundRing ring = new OutboundRing(1 << 20, shared);
        final byte[] large = borrowed(20_000, 'z');
        final int slot = shared.claim(large, 20_000);
        assertTrue(ring.offerShared(slot, 20_000, 1));
        shared.settle(slot, 1);
        final AtomicInteger seen = new AtomicInteger();
        final ControlledMessageHandler full = (type, buffer, index, length) ->
        {
            seen.incrementAndGet();
            return Action.ABORT; // no room in the consumer's batch
        };
        assertEquals(0, ring.drain(full, Integer.MAX_VALUE));
        assertEquals(1, seen.get());
        assertEquals(1, shared.inUse(), "not given back: it was not taken");
        assertArrayEquals(java.util.Arrays.copyOf(large, 20_000), drainAll(ring), "taken whole on the next drain");
        assertEquals(0, shared.inUse());
    }

    @Test
    void aClientsSharedFramesCountAgainstItsCapacityAndItDropsItsNewest()
    {
        final OutboundRing ring = new OutboundRing(64 * 1024, shared);
        final byte[] large = borrowed(20_000, 'z');
        final int slot = shared.claim(large, 20_000);
        int taken = 0;
        while (ring.offerShared(slot, 20_000, 1))
        {
            taken++;
        }
        assertEquals(3, taken, "64 KiB holds three 20,000-byte frames, whatever their records take");
        shared.settle(slot, taken);
        drainAll(ring);
        assertTrue(ring.offerShared(shared.claim(borrowed(20_000, 'y'), 20_000), 20_000, 1), "room once drained");
    }

    @Test
    void aReleasedRingGivesBackTheReferencesItStillHeld()
    {
        final OutboundRing ring = new OutboundRing(1 << 20, shared);
        final byte[] small = "{\"d\":1}\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 40; i++)
        {
            final int slot = shared.claim(borrowed(5000, 'a'), 5000);
            assertTrue(ring.offerShared(slot, 5000, 1));
            assertTrue(ring.offer(new UnsafeBuffer(small), 0, small.length));
            shared.settle(slot, 1);
        }
        assertEquals(40, shared.inUse());
        ring.release(); // the client disconnected without reading them
        assertEquals(0, shared.inUse());
        assertEquals(0, pool.sharedBytes());
        assertFalse(pool.idleBytes() == 0);
    }
}
