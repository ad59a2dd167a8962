package io.mist.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's operational counts, readable from any thread. Each {@link Counter} is written by the matcher thread
 * only; the connection count is written by IO threads.
 */
public final class EngineCounters
{
    /** Connections ever opened (mist's "Lifetime connections"); IO threads. */
    public final AtomicLong connectionsOpened = new AtomicLong();
    /** New connections refused for {@code --max-connections}; IO threads. */
    public final AtomicLong refusedOverConnectionLimit = new AtomicLong();
    /** New connections refused for {@code --max-connections-per-ip}; IO threads. */
    public final AtomicLong refusedOverAddressLimit = new AtomicLong();
    /**
     * New connections (and WebSocket upgrades) refused because direct memory had no room for their first ring; IO
     * threads.
     */
    public final AtomicLong refusedOutOfMemory = new AtomicLong();
    /** Connections closed because their handler threw something that is not the client's doing (a bug); IO threads. */
    public final AtomicLong connectionErrors = new AtomicLong();
    /**
     * Times a producer found the inbound ring full and had to wait (a connection stops reading until there is room);
     * IO threads.
     */
    public final AtomicLong inboundRingFull = new AtomicLong();
    /**
     * Arrays allocated for inbound payloads of 4 KiB or more because the payload pool had none of the size idle: grows
     * while traffic of a new size warms the pool, then stays flat; any thread.
     */
    public final AtomicLong inboundPayloadAllocations = new AtomicLong();
    /**
     * Times a producer found the large requests on their way to the matcher holding {@code --inbound-buffer-size} (a
     * connection stops reading until the matcher has caught up); IO threads.
     */
    public final AtomicLong inboundBufferFull = new AtomicLong();
    /** Connections whose disconnect reached the matcher; opened minus closed is the number open. */
    public final Counter connectionsClosed = new Counter();
    /** Publishes that reached the matcher. */
    public final Counter messagesPublished = new Counter();
    /** Copies of messages enqueued on client rings. */
    public final Counter messagesDelivered = new Counter();
    /** Copies dropped because a client's ring was full (sum of every client's drops). */
    public final Counter clientDropped = new Counter();
    /** Subscriptions held right now, by all clients. */
    public final Counter subscriptions = new Counter();
}
