package io.mist.engine.ring;

/** What an {@link InboundEvent} asks of the matcher. */
public enum InboundEventType
{
    /** A slot that was claimed but carries nothing. */
    NONE,
    /** Deliver the payload to every client with a matching subscription, except the publisher. */
    PUBLISH,
    SUBSCRIBE,
    UNSUBSCRIBE,
    /** Queue the payload (an encoded reply) for the client, after anything queued before it. */
    REPLY,
    LIST,
    /** {@code list} for a legacy text client: {@code list a,b c} (subscriptions separated by spaces). */
    LIST_TEXT,
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
