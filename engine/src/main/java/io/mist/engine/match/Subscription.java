package io.mist.engine.match;

import io.mist.engine.session.ClientSession;

/**
 * One subscription: a client and a set of tag ids (in the tags' byte order, no duplicates). Lives in the
 * {@link SubscriptionIndex} under one anchor tag. Owned by the matcher thread.
 */
final class Subscription
{
    final ClientSession session;
    final int[] tags;
    /** The tag id whose anchor list holds this subscription, and its position there. */
    int anchor;
    int slot;

    Subscription(final ClientSession session, final int[] tags)
    {
        this.session = session;
        this.tags = tags;
    }
}
