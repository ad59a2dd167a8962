package io.mist.engine.ring;

import com.lmax.disruptor.RingBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InboundRingTest
{
    private static final byte[] LARGE = new byte[20_000]; // borrows a 32 KiB array
    private static final InboundTranslator<byte[]> FILL = (event, bytes) ->
    {
        event.type = InboundEventType.REPLY;
        event.payload.put(bytes, 0, bytes.length);
    };

    @Test
    void largeRequestsOverThePayloadBudgetFindTheRingFullUntilTheMatcherReleasesThem()
    {
        final PayloadPool payloads = new PayloadPool();
        final RingBuffer<InboundEvent> events = RingBuffer.createMultiProducer(() -> new InboundEvent(payloads), 64);
        final AtomicLong ringFull = new AtomicLong();
        final AtomicLong budgetFull = new AtomicLong();
        final InboundRing ring = new InboundRing(events, ringFull, payloads, 64 * 1024, budgetFull);

        // 64 KiB lent is still within the budget; the third request takes it beyond, and the fourth waits.
        for (int i = 0; i < 3; i++)
        {
            assertEquals(Offer.PUBLISHED, ring.offer(null, FILL, LARGE), "request " + i);
        }
        assertEquals(3 * 32 * 1024, payloads.lentBytes());
        assertEquals(Offer.FULL, ring.offer(null, FILL, LARGE));
        assertEquals(Offer.FULL, ring.offer(null, FILL, new byte[10]), "small requests wait their turn too");
        assertEquals(2, budgetFull.get());
        assertEquals(0, ringFull.get(), "the ring itself has room");
        assertEquals(2, events.getCursor(), "nothing was claimed for the refused offers");

        // The matcher handles the first two: back to 32 KiB lent, so offers are taken again.
        events.get(0).release();
        events.get(1).release();
        assertEquals(32 * 1024, payloads.lentBytes());
        assertEquals(Offer.PUBLISHED, ring.offer(null, FILL, LARGE));
        assertEquals(64 * 1024, payloads.lentBytes());
    }

    @Test
    void smallRequestsBorrowNothing()
    {
        final PayloadPool payloads = new PayloadPool();
        final RingBuffer<InboundEvent> events = RingBuffer.createMultiProducer(() -> new InboundEvent(payloads), 64);
        final InboundRing ring = new InboundRing(events, new AtomicLong(), payloads, 1024 * 1024, new AtomicLong());
        for (int i = 0; i < 64; i++)
        {
            assertEquals(Offer.PUBLISHED, ring.offer(null, FILL, new byte[2000]));
        }
        assertEquals(0, payloads.lentBytes());
        assertEquals(0, payloads.allocations());
    }
}
