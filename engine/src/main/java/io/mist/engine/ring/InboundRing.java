package io.mist.engine.ring;

import com.lmax.disruptor.RingBuffer;

/**
 * The producer side of the inbound Disruptor ring, as IO threads use it: claim a slot, fill the event, publish it.
 * Once the matcher has stopped, claims are refused, so an IO thread closing connections during shutdown never
 * waits on a ring that nobody drains. Any IO thread.
 */
public final class InboundRing
{
    private final RingBuffer<InboundEvent> ring;
    private volatile boolean closed;

    public InboundRing(final RingBuffer<InboundEvent> ring)
    {
        this.ring = ring;
    }

    /** @return the claimed sequence, or -1 when the engine has stopped and the request is to be dropped. */
    public long claim()
    {
        return closed ? -1 : ring.next();
    }

    public InboundEvent event(final long sequence)
    {
        return ring.get(sequence);
    }

    public void publish(final long sequence)
    {
        ring.publish(sequence);
    }

    /** Called by the engine once the matcher has stopped. */
    public void close()
    {
        closed = true;
    }
}
