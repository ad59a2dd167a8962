package io.mist.engine.ingress;

import io.mist.codec.Command;
import io.mist.codec.MistFrame;
import io.mist.codec.ReplyEncoder;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.ring.InboundRing;
import io.mist.engine.ring.InboundTranslator;
import io.mist.engine.ring.Offer;
import io.mist.engine.session.ClientSession;

/**
 * One client connection's way into the engine: it routes each of the connection's requests to the event the matcher
 * needs, in arrival order, so replies and deliveries keep the client's order. Requests are filled into events the
 * connection claims through {@link #offer} (exception-safe, never waiting: a full ring is reported and the connection
 * stops reading). Replies that need no matcher state are encoded here, the rest by the matcher; both through
 * {@link ReplyEncoder}. Allocation-free per message. Owned by the connection's IO thread.
 */
public final class ClientIngress
{
    private final InboundRing ring;
    private final ClientSession session;
    private final RequestEncoder encoder;
    private final RequestPolicy policy;
    private final boolean echoUnknown;
    private final InboundTranslator<MistFrame> dispatch = this::dispatch;
    /** Whether admin commands exist on this server (an authenticator is configured). */
    private boolean adminCommandsExist;
    /** The byte between subscriptions in a {@code list} reply; 0 for mist's JSON list. */
    private byte listSeparator;

    /** @param echoUnknown whether the unknown-command reply echoes tags and data (TCP does, WebSocket does not). */
    public ClientIngress(final InboundRing ring, final ClientSession session, final RequestEncoder encoder,
        final boolean echoUnknown)
    {
        this.ring = ring;
        this.session = session;
        this.encoder = encoder;
        this.policy = encoder.policy();
        this.echoUnknown = echoUnknown;
    }

    public ClientSession session()
    {
        return session;
    }

    /**
     * With an authenticator, admin commands that reach here (the connection is not in admin mode) are refused as
     * forbidden rather than answered as unknown.
     */
    public void adminCommandsExist(final boolean exist)
    {
        adminCommandsExist = exist;
    }

    /** See {@link RequestEncoder#readBegins}. Producer thread. */
    public void readBegins()
    {
        encoder.readBegins();
    }

    /** See {@link RequestEncoder#readEnds}. Producer thread. */
    public void readEnds()
    {
        encoder.readEnds();
    }

    /** Separates subscriptions in {@code list} replies with {@code separator} (the legacy text protocol's space). */
    public void listSeparator(final byte separator)
    {
        listSeparator = separator;
    }

    /** Limits this connection to {@code grant} from its next request on; null lifts the limit. */
    public void restrict(final TagGrant grant)
    {
        policy.grant(grant);
    }

    /** Claims one event for this connection, has {@code translator} fill it from {@code arg}, and publishes it. */
    public <A> Offer offer(final InboundTranslator<A> translator, final A arg)
    {
        return ring.offer(session, translator, arg);
    }

    /** {@link #dispatch}es {@code frame} in an event of its own. */
    public Offer submit(final MistFrame frame)
    {
        return ring.offer(session, dispatch, frame);
    }

    /** Fills {@code event} with what one decoded request asks. */
    public void dispatch(final InboundEvent event, final MistFrame frame)
    {
        final Command command = frame.command();
        switch (command)
        {
            case PING:
                event.type = InboundEventType.REPLY;
                ReplyEncoder.pong(event.payload);
                break;
            case SUBSCRIBE:
                refuse(event, command, encoder.subscription(event, frame, InboundEventType.SUBSCRIBE));
                break;
            case UNSUBSCRIBE:
                refuse(event, command, encoder.subscription(event, frame, InboundEventType.UNSUBSCRIBE));
                break;
            case PUBLISH:
                final Refusal refusal = encoder.publish(event, frame);
                // mist drops a publish without tags silently
                refuse(event, command, refusal == Refusal.NO_TAGS ? null : refusal);
                break;
            case LIST:
            case LISTALL:
            case WHO:
                query(event, frame);
                break;
            case AUTH:
                break; // mist's no-op: never "Unknown Command", never a reply
            default:
                if (adminCommandsExist && command.isAdmin())
                {
                    refuse(event, command, Refusal.FORBIDDEN_ADMIN);
                    break;
                }
                // Admin commands without an authenticator answer as unknown, as in mist.
                event.type = InboundEventType.REPLY;
                ReplyEncoder.unknownCommand(event.payload, frame, echoUnknown);
                break;
        }
    }

    /**
     * Fills {@code event} with a subscription that replays the kept messages since {@code frame.since()} (marker
     * {@code replayId}, answered by the retention store in slot {@code storeSlot}), or with its refusal.
     *
     * @return whether the event holds the subscription (false: an error reply, or nothing for empty tags).
     */
    public boolean subscribeWithReplay(final InboundEvent event, final MistFrame frame, final long replayId,
        final int storeSlot)
    {
        refuse(event, Command.SUBSCRIBE, encoder.subscription(event, frame, InboundEventType.SUBSCRIBE_REPLAY));
        if (event.type != InboundEventType.SUBSCRIBE_REPLAY)
        {
            return false;
        }
        event.replayId = replayId;
        event.replayStore = storeSlot;
        return true;
    }

    /**
     * Fills {@code event} with an error reply to a request that could not be decoded or is refused; with
     * {@code close} the connection is closed once the reply (and everything queued before it) is written.
     */
    public void reject(final InboundEvent event, final MistFrame request, final String error, final boolean close)
    {
        event.reset(session.slot());
        event.type = close ? InboundEventType.CLOSE : InboundEventType.REPLY;
        ReplyEncoder.error(event.payload, request, error);
    }

    /**
     * Fills {@code event} so that the connection is closed without a word once everything queued before is written
     * (mist's answer to a TCP client whose token is refused, which mist's own clients rely on).
     */
    public void close(final InboundEvent event)
    {
        event.reset(session.slot());
        event.type = InboundEventType.CLOSE;
    }

    /** Fills {@code event} with an encoded reply, queued after everything the client sent before. */
    public void reply(final InboundEvent event, final byte[] encoded)
    {
        event.type = InboundEventType.REPLY;
        event.payload.put(encoded, 0, encoded.length);
    }

    /**
     * Fills {@code event} so that the matcher drops this connection's subscriptions that its current grant no longer
     * allows; leaves it empty when the connection is unrestricted.
     */
    public void prune(final InboundEvent event)
    {
        final TagGrant grant = policy.grant();
        if (grant == null)
        {
            return;
        }
        final int[] ids = event.tagCapacity(Math.max(1, grant.size()));
        for (int i = 0; i < grant.size(); i++)
        {
            ids[i] = grant.id(i);
        }
        event.tagCount = grant.size();
        event.type = InboundEventType.PRUNE;
    }

    /** Fills {@code event} with the connection's end: the matcher forgets its subscriptions. */
    public void disconnect(final InboundEvent event)
    {
        event.type = InboundEventType.DISCONNECT;
    }

    private void query(final InboundEvent event, final MistFrame frame)
    {
        final Command command = frame.command();
        final Refusal refusal = policy.query(command);
        if (refusal != null)
        {
            refuse(event, command, refusal);
            return;
        }
        event.type = command == Command.LIST ? InboundEventType.LIST :
            command == Command.LISTALL ? InboundEventType.LISTALL : InboundEventType.WHO;
        event.listSeparator = listSeparator;
        ReplyEncoder.tagsEcho(event.payload, frame);
    }

    /** Turns {@code event} into the error reply for {@code refusal}; nothing when it is null. */
    private void refuse(final InboundEvent event, final Command command, final Refusal refusal)
    {
        if (refusal == null)
        {
            return;
        }
        event.reset(session.slot());
        event.type = InboundEventType.REPLY;
        ReplyEncoder.error(event.payload, command, policy.text(refusal));
    }
}
