package io.mist.engine.ring;

/** What an {@link InboundEvent} asks of the matcher. */
public enum InboundEventType
{
    /** A slot that was claimed but carries nothing. */
    NONE,
    /**
     * Deliver the payload to every client with a matching subscription, except the publishing session (none when the
     * event has no session: a publisher that is not a client connection).
     */
    PUBLISH,
    SUBSCRIBE,
    UNSUBSCRIBE,
    /** Queue the payload (an encoded reply) for the client, after anything queued before it. */
    REPLY,
    /** The client's subscriptions, separated by {@link InboundEvent#listSeparator}. */
    LIST,
    LISTALL,
    WHO,
    /** Queue the payload (if any) and close the connection once its queue is written. */
    CLOSE,
    /**
     * A restricted client's tags changed: drop its subscriptions that hold none of the tag ids given (all of them when
     * none are given).
     */
    PRUNE,
    /** The connection is gone: forget its subscriptions. */
    DISCONNECT
}
