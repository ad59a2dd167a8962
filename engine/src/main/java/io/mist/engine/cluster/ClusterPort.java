package io.mist.engine.cluster;

import io.mist.engine.ring.InboundEvent;

/**
 * What the matcher tells a cluster bridge, and hands it, on the matcher thread: this node's interest (the tags its
 * subscriptions are filed under) as it changes, every publish made on this node once it is delivered locally, and the
 * bridge's own events that came through the inbound ring (other nodes' interest). {@link #NONE} for a single node.
 * Every method runs on the matcher thread; implementations must not block it, allocate per message or log.
 */
public interface ClusterPort
{
    /** A single node: nothing to tell. */
    ClusterPort NONE = new ClusterPort()
    {
    };

    /** This node's subscriptions now file one under {@code tag}, and none did before. */
    default void interestAdded(final int tag)
    {
    }

    /** No subscription of this node is filed under {@code tag} any more. */
    default void interestRemoved(final int tag)
    {
    }

    /**
     * A message published on this node (by a client or over HTTP), after local delivery; the bridge forwards it to
     * the nodes whose interest it meets.
     *
     * @param event the publish: its tag ids ({@code tags[0, tagCount)}, tags no subscription of this node holds are
     *     left out) and its encoded frame ({@code payload}); valid during the call only.
     */
    default void published(final InboundEvent event)
    {
    }

    /** An event the bridge put into the inbound ring ({@link io.mist.engine.ring.InboundEventType#CLUSTER}). */
    default void control(final InboundEvent event)
    {
    }

    /** The matcher finished a batch: hand on what was gathered. */
    default void endOfBatch()
    {
    }
}
