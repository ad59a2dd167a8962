package io.mist.retention;

import io.mist.codec.Command;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.outbound.ReplayMarker;
import io.mist.engine.ingress.ClientIngress;
import io.mist.engine.ring.InboundTranslator;
import io.mist.engine.ring.Offer;

import java.nio.charset.StandardCharsets;

/**
 * One connection's way into the {@link RetentionStore}: makes a topic known to the store (it subscribes to it, and
 * the topic is made) before the connection's own event on it, and sends operations as markers through the inbound
 * ring, so they run after everything offered before them. Never waits: a full ring is reported, and offering again
 * is harmless. The connection's event loop.
 */
public final class RetentionClient
{
    /** What {@link #prepare} did. */
    public enum Prepared
    {
        /** The store keeps the topic's messages from here on. */
        READY,
        /** The inbound ring had no room; prepare again later. */
        FULL,
        /** The store holds {@code --msgbus-max-topics} topics already. */
        TOO_MANY_TOPICS,
        /** The engine has stopped. */
        STOPPED
    }

    private final RetentionStore store;
    private final ClientIngress ingress;
    /** The id of the operation {@link #run} offered last. */
    private long lastOperation = -1;
    private final io.mist.codec.MistFrame subscription = new io.mist.codec.MistFrame();
    /** A marker for the store: queued into its ring by the matcher as a reply would be. */
    private static final InboundTranslator<Long> MARKER = (event, id) ->
    {
        event.type = InboundEventType.REPLY;
        ReplayMarker.write(event.payload, id);
    };

    RetentionClient(final RetentionStore store, final ClientIngress ingress)
    {
        this.store = store;
        this.ingress = ingress;
    }

    /** Makes {@code topic} known to the store, once: its subscription to the topic's tag, and the topic itself. */
    public Prepared prepare(final String topic)
    {
        if (store.known(topic))
        {
            return Prepared.READY;
        }
        if (!store.roomForTopic())
        {
            return Prepared.TOO_MANY_TOPICS;
        }
        subscription.clear(Command.SUBSCRIBE);
        final byte[] tag = topic.getBytes(StandardCharsets.UTF_8);
        subscription.addTag(tag, 0, tag.length);
        Offer offer = ingress.submit(subscription);
        if (offer == Offer.PUBLISHED)
        {
            offer = run((table, now) -> table.topic(topic, now));
        }
        if (offer != Offer.PUBLISHED)
        {
            return offer == Offer.FULL ? Prepared.FULL : Prepared.STOPPED; // a subscription offered twice is held once
        }
        store.markKnown(topic);
        return Prepared.READY;
    }

    /**
     * Runs {@code operation} on the retention thread once everything offered before it has reached the store.
     *
     * @return {@link Offer#PUBLISHED}, or why nothing was offered: the inbound ring had no room, or the engine stopped.
     */
    public Offer run(final RetentionStore.Operation operation)
    {
        final long id = store.register(operation);
        final Offer offer = ingress.offer(MARKER, id);
        if (offer != Offer.PUBLISHED)
        {
            store.unregister(id);
        }
        lastOperation = id;
        return offer;
    }

    /** The id of the operation {@link #run} offered last, for {@link #cancel}. */
    public long lastOperation()
    {
        return lastOperation;
    }

    /** Receives a mist subscription's replay on the retention thread. */
    @FunctionalInterface
    public interface ReplayReceiver
    {
        /** The kept frames of replay {@code id}, oldest first; called on the retention thread. */
        void replayed(long id, java.util.List<byte[]> frames);
    }

    /**
     * Registers the replay of a mist subscription to {@code tags} from message {@code since} on, out of the kept
     * messages of {@code topic} (prepared before); the caller puts the returned id into its subscription's event
     * ({@link io.mist.engine.ingress.ClientIngress#subscribeWithReplay}), or {@link #cancel}s it.
     */
    public long replay(final String topic, final String[] tags, final long since, final ReplayReceiver receiver)
    {
        final long[] id = new long[1];
        id[0] = store.register((table, now) ->
        {
            java.util.List<byte[]> frames = java.util.List.of();
            try
            {
                frames = table.replay(topic, tags, since);
            }
            finally
            {
                receiver.replayed(id[0], frames); // even when it failed: the client waits for it
            }
        });
        return id[0];
    }

    /**
     * Gives up a registered operation (a replay whose subscription was not made, an answer that took too long).
     *
     * @return false when it has run already, or is running.
     */
    public boolean cancel(final long id)
    {
        return store.unregister(id);
    }

    /** The store's session slot, for {@link io.mist.engine.ingress.ClientIngress#subscribeWithReplay}. */
    public int storeSlot()
    {
        return store.slot();
    }
}
