package io.mist.engine.ring;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.mist.engine.session.ClientSession;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The producer side of the inbound Disruptor ring: the one way to claim, fill and publish an event. A claim never
 * waits: a full ring is reported ({@link Offer#FULL}, counted) so that the producer's IO thread stays free and only
 * the connection that cannot publish stops reading. So is a ring whose large payloads, borrowed from the
 * {@link PayloadPool}, already hold more than the payload budget ({@code --inbound-buffer-size}): the heap that
 * requests in flight take is bounded (by the budget plus one request per producer thread), not by the ring's size
 * times the largest frame. A claimed slot is always published, also when filling it throws
 * (then empty), so no failure can stall the matcher. Once the matcher has stopped, offers are refused. Any thread.
 */
public final class InboundRing
{
    private final RingBuffer<InboundEvent> ring;
    private final AtomicLong fullCount;
    private final PayloadPool payloads;
    private final long payloadBudget;
    private final AtomicLong budgetFullCount;
    private volatile boolean closed;

    /**
     * @param fullCount counts the offers that found the ring full.
     * @param payloads the pool the ring's events borrow large payload arrays from.
     * @param payloadBudget the most bytes lent out by {@code payloads} at which offers are still taken.
     * @param budgetFullCount counts the offers refused because more than {@code payloadBudget} was lent out.
     */
    public InboundRing(final RingBuffer<InboundEvent> ring, final AtomicLong fullCount, final PayloadPool payloads,
        final long payloadBudget, final AtomicLong budgetFullCount)
    {
        this.ring = ring;
        this.fullCount = fullCount;
        this.payloads = payloads;
        this.payloadBudget = payloadBudget;
        this.budgetFullCount = budgetFullCount;
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
        if (payloads.lentBytes() > payloadBudget)
        {
            budgetFullCount.incrementAndGet();
            return Offer.FULL;
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
