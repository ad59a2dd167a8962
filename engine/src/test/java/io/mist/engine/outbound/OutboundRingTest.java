package io.mist.engine.outbound;

import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
