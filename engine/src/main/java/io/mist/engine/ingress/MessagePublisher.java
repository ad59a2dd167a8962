package io.mist.engine.ingress;

import io.mist.codec.MistFrame;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.ring.InboundRing;
import io.mist.engine.ring.InboundTranslator;
import io.mist.engine.ring.Offer;

/**
 * Publishes for a producer that is not a client connection (HTTP publish; cluster and dialect bridges): no session,
 * no outbound ring, no reply queued; the outcome is returned to the caller, which answers in its own protocol. Every
 * subscriber with a matching subscription receives the message. Allocation-free per message; a refusal's text
 * allocates. Owned by one producer thread; make one per thread.
 */
public final class MessagePublisher
{
    private final InboundRing ring;
    private final RequestEncoder encoder;
    private final InboundTranslator<MistFrame> fill = this::fill;
    private final boolean remote;
    private Refusal refusal;

    public MessagePublisher(final InboundRing ring, final RequestEncoder encoder)
    {
        this(ring, encoder, false);
    }

    /** @param remote whether the messages come from another node of the cluster (delivered here, not forwarded). */
    public MessagePublisher(final InboundRing ring, final RequestEncoder encoder, final boolean remote)
    {
        this.ring = ring;
        this.encoder = encoder;
        this.remote = remote;
    }

    /** Checks publishes against {@code grant} (a restricted token's tags) from now on; null lifts the limit. */
    public void restrict(final TagGrant grant)
    {
        encoder.policy().grant(grant);
    }

    /**
     * Publishes {@code frame}'s tags and data.
     *
     * @return {@link Offer#PUBLISHED} when the message is on its way or was refused ({@link #refusal()} says which),
     *     {@link Offer#FULL} when the ring has no room (nothing happened; try again later), {@link Offer#STOPPED}.
     */
    public Offer publish(final MistFrame frame)
    {
        refusal = null;
        return ring.offer(null, fill, frame);
    }

    /** Why the last published offer was refused; null when it was accepted. */
    public Refusal refusal()
    {
        return refusal;
    }

    /** The text of {@link #refusal()}, for the caller's error reply. */
    public String refusalText()
    {
        return refusal == null ? null : encoder.policy().text(refusal);
    }

    private void fill(final InboundEvent event, final MistFrame frame)
    {
        refusal = encoder.publish(event, frame);
        if (remote && event.type == InboundEventType.PUBLISH)
        {
            event.type = InboundEventType.PUBLISH_REMOTE;
        }
    }
}
