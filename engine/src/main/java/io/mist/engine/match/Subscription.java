package io.mist.engine.match;

import io.mist.engine.session.ClientSession;

/**
 * One subscription: a client and a set of tag ids (in the tags' byte order, no duplicates). Its matching data lives
 * in one anchor list of the {@link SubscriptionIndex}; this object is what removal, {@code list} and the test of a
 * subscription of more than four tags use.
 * Owned by the matcher thread.
 */
final class Subscription
{
    final ClientSession session;
    final int[] tags;
    /** The tag id whose anchor list holds this subscription, and its entry number there (moves as others leave). */
    int anchor;
    int entry;

    Subscription(final ClientSession session, final int[] tags)
    {
        this.session = session;
        this.tags = tags;
    }
}
