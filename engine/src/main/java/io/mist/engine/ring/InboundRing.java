package io.mist.engine.ring;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.mist.engine.session.ClientSession;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The producer side of the inbound Disruptor ring: the one way to claim, fill and publish an event. A claim never
 * waits: a full ring is reported ({@link Offer#FULL}, counted) so that the producer's IO thread stays free and only
 * the connection that cannot publish stops reading. A claimed slot is always published, also when filling it throws
 * (then empty), so no failure can stall the matcher. Once the matcher has stopped, offers are refused. Any thread.
 */
public final class InboundRing
{
    private final RingBuffer<InboundEvent> ring;
    private final AtomicLong fullCount;
    private volatile boolean closed;

    /** @param fullCount counts the offers that found the ring full. */
    public InboundRing(final RingBuffer<InboundEvent> ring, final AtomicLong fullCount)
    {
        this.ring = ring;
        this.fullCount = fullCount;
    }

    /**
     * Claims a slot for {@code session} (null for a publisher that is not a client connection), lets
     * {@code translator} fill it from {@code arg}, and publishes it.
     */
    public <A> Offer offer(final ClientSession session, final InboundTranslator<A> translator, final A arg)
    {
        if (closed)
        {
            return Offer.STOPPED;
        }
        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException full)
        {
            fullCount.incrementAndGet();
            return Offer.FULL;
        }
        final InboundEvent event = ring.get(sequence);
        final int owner = session == null ? -1 : session.slot();
        event.reset(owner);
        try
        {
            translator.fill(event, arg);
        }
        catch (final RuntimeException | Error ex)
        {
            event.reset(owner); // half-filled: the matcher skips it
            throw ex;
        }
        finally
        {
            ring.publish(sequence);
        }
        return Offer.PUBLISHED;
    }

    /** Called by the engine once the matcher has stopped. */
    public void close()
    {
        closed = true;
    }
}
