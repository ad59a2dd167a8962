package io.mist.retention;

import java.util.concurrent.atomic.AtomicLong;

/** What the retention store holds and did, for {@code /metrics}. Written by the retention thread, read by any. */
public final class RetentionCounters
{
    /** Topics now. */
    public final AtomicLong topics = new AtomicLong();
    /** Messages kept now. */
    public final AtomicLong messages = new AtomicLong();
    /** Bytes of kept messages now (payload, tags and bookkeeping). */
    public final AtomicLong bytes = new AtomicLong();
    /** Messages kept since start (one per topic a message was filed under). */
    public final AtomicLong retained = new AtomicLong();
    /** Messages taken by a pull ({@code GET /topic}). */
    public final AtomicLong pulled = new AtomicLong();
    /** Messages older than the TTL, removed. */
    public final AtomicLong expired = new AtomicLong();
    /** Oldest messages dropped because their topic's queue was full. */
    public final AtomicLong droppedQueueFull = new AtomicLong();
    /** Oldest messages dropped because all topics together held the most bytes allowed. */
    public final AtomicLong droppedMemory = new AtomicLong();
    /** Messages that never reached the store: its ring from the matcher was full. */
    public final AtomicLong droppedBehind = new AtomicLong();
    /** Topic subscribers (msgbus WebSockets) now. */
    public final AtomicLong subscribers = new AtomicLong();
    /** Messages handed to topic subscribers. */
    public final AtomicLong pushed = new AtomicLong();
    /** Messages a topic subscriber could not take (it read too slowly) and lost. */
    public final AtomicLong pushDropped = new AtomicLong();
}
