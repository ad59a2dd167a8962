package io.mist.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a node's cluster bridge has done, for {@code /metrics}: messages and bytes sent to and received from other
 * nodes, what it dropped, and the interest it holds. Written by the bridge's threads, read by any.
 */
public final class ClusterCounters
{
    /** Messages sent to another node (one per node a publish is forwarded to). */
    public final AtomicLong messagesOut = new AtomicLong();
    public final AtomicLong bytesOut = new AtomicLong();
    /** Messages other nodes forwarded here. */
    public final AtomicLong messagesIn = new AtomicLong();
    public final AtomicLong bytesIn = new AtomicLong();
    /**
     * Messages for other nodes dropped here: the forward queue was full, or NATS was unreachable (one per node a
     * message was meant for).
     */
    public final AtomicLong droppedOut = new AtomicLong();
    /** Interest announcements and snapshots received from other nodes. */
    public final AtomicLong interestUpdates = new AtomicLong();
    /** Tags other nodes are interested in, summed over the nodes (a gauge). */
    public final AtomicLong remoteInterest = new AtomicLong();
    /** Tags this node's subscriptions are filed under: what it announces (a gauge). */
    public final AtomicLong localInterest = new AtomicLong();
    /** Other nodes currently known (a gauge). */
    public final AtomicLong peers = new AtomicLong();
    /** Times the connection to NATS was lost. */
    public final AtomicLong disconnects = new AtomicLong();
}
