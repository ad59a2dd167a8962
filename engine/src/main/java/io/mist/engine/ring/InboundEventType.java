package io.mist.engine.ring;

/**
 * What an {@link InboundEvent} asks of the matcher. Bytes rather than an enum: the event is a long-lived ring slot, and
 * storing a reference (an enum constant) into it on every message costs the garbage collector a card to refine each
 * time; a byte costs nothing.
 */
public final class InboundEventType
{
    /** A slot that was claimed but carries nothing. */
    public static final byte NONE = 0;
    /**
     * Deliver the payload to every client with a matching subscription, except the publishing session (none when the
     * event has no session: a publisher that is not a client connection).
     */
    public static final byte PUBLISH = 1;
    public static final byte SUBSCRIBE = 2;
    public static final byte UNSUBSCRIBE = 3;
    /** Queue the payload (an encoded reply) for the client, after anything queued before it. */
    public static final byte REPLY = 4;
    /** The client's subscriptions, separated by {@link InboundEvent#listSeparator}. */
    public static final byte LIST = 5;
    public static final byte LISTALL = 6;
    public static final byte WHO = 7;
    /** Queue the payload (if any) and close the connection once its queue is written. */
    public static final byte CLOSE = 8;
    /**
     * A restricted client's tags changed: drop its subscriptions that hold none of the tag ids given (all of them when
     * none are given).
     */
    public static final byte PRUNE = 9;
    /** The connection is gone: forget its subscriptions. */
    public static final byte DISCONNECT = 10;
    /**
     * A message another node of the cluster published: delivered to every local client with a matching subscription,
     * and not forwarded again.
     */
    public static final byte PUBLISH_REMOTE = 11;
    /** For the cluster bridge ({@link io.mist.engine.cluster.ClusterPort#control}), in ring order. */
    public static final byte CLUSTER = 12;
    /**
     * A subscription that asks for the kept messages since an id ({@code "since"}): subscribe, mark the point in the
     * client's queue where the replay goes ({@link io.mist.engine.outbound.ReplayMarker}), and pass the same marker to
     * the retention store ({@link InboundEvent#replayStore}), which answers it with the replay. From then on the
     * client's messages carry their ids.
     */
    public static final byte SUBSCRIBE_REPLAY = 13;

    private static final String[] NAMES = { "NONE", "PUBLISH", "SUBSCRIBE", "UNSUBSCRIBE", "REPLY", "LIST", "LISTALL",
        "WHO", "CLOSE", "PRUNE", "DISCONNECT", "PUBLISH_REMOTE", "CLUSTER", "SUBSCRIBE_REPLAY" };

    private InboundEventType()
    {
    }

    /** The type's name, for logs. */
    public static String name(final byte type)
    {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "type " + type;
    }
}
