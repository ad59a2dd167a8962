package io.mist.engine.ingress;

import io.mist.codec.Command;
import io.mist.codec.GrowableBytes;
import io.mist.codec.MistFrame;
import io.mist.codec.MistJsonWriter;
import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.RequestLimits;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundRing;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.session.ClientSession;
import io.mist.engine.tag.TagTable;

import java.nio.charset.StandardCharsets;

/**
 * Turns one connection's decoded frames into inbound ring events, in arrival order: resolves tags to ids, encodes
 * each publish once as the exact bytes every receiver gets, and encodes the replies that need no matcher state.
 * Every request that must be answered or applied goes through the ring, so a client's replies and deliveries keep
 * its order. Allocation-free per message. Owned by the IO thread of its connection.
 */
public final class FrameDispatcher
{
    private static final byte[] PONG = "{\"command\":\"ping\",\"data\":\"pong\"}\n".getBytes(StandardCharsets.US_ASCII);
    private static final String UNKNOWN_COMMAND = "Unknown Command";
    private static final String NO_TAGS = "invalid message: 'tags' must hold at least one tag";
    private static final String STOPPING = "server is shutting down";
    /** The error of a publish a restricted token may not make; {@link #publishOutOfBand} returns this instance. */
    public static final String FORBIDDEN_PUBLISH =
        "Forbidden - this token may publish only to tags it was granted";
    private static final String FORBIDDEN_SUBSCRIBE =
        "Forbidden - this token may subscribe only to tag sets holding one of the tags it was granted";
    private static final String FORBIDDEN_ADMIN = "Forbidden - admin commands need the master token";
    private static final String FORBIDDEN_QUERY = "Forbidden - not with a restricted token";

    private final InboundRing ring;
    private final TagTable tagTable;
    private final ClientSession session;
    private final boolean echoUnknown;
    private final int largestDelivery;
    private final TagOrder tagOrder = new TagOrder();
    /** The slot {@link #begin} claimed, for {@link #commit}. */
    private long claimed;
    /** The tags a restricted connection may use; null when unrestricted. */
    private TagGrant grant;
    /** Whether admin commands exist on this server (an authenticator is configured). */
    private boolean adminCommandsExist;
    private RequestLimits limits = RequestLimits.DEFAULTS;
    /** Whether publishes carry their decode time for the latency histograms. */
    private boolean stampDecodeTime;
    /** Set by {@link #encodePublish}: the message had a tag no subscription ever used. */
    private boolean unknownTag;

    /**
     * @param echoUnknown whether the unknown-command reply echoes tags and data (TCP does, WebSocket does not).
     * @param largestDelivery the largest encoded frame a client ring accepts; larger publishes are refused.
     */
    public FrameDispatcher(final InboundRing ring, final TagTable tagTable, final ClientSession session,
        final boolean echoUnknown, final int largestDelivery)
    {
        this.ring = ring;
        this.tagTable = tagTable;
        this.session = session;
        this.echoUnknown = echoUnknown;
        this.largestDelivery = largestDelivery;
    }

    /** Refuses requests over {@code requestLimits} from now on. */
    public void limits(final RequestLimits requestLimits)
    {
        limits = requestLimits;
    }

    /** Makes each publish carry {@code System.nanoTime()} of its decode (latency histograms on). */
    public void stampDecodeTime(final boolean enabled)
    {
        stampDecodeTime = enabled;
    }

    public ClientSession session()
    {
        return session;
    }

    /**
     * With an authenticator, admin commands that reach the dispatcher (the connection is not in admin mode) are
     * refused as forbidden rather than answered as unknown.
     */
    public void adminCommandsExist(final boolean exist)
    {
        this.adminCommandsExist = exist;
    }

    /**
     * Limits this connection to {@code grant} from its next request on (null lifts the limit), and, when it was
     * limited before, drops its subscriptions that the new grant no longer allows.
     */
    public void restrict(final TagGrant newGrant, final boolean pruneSubscriptions)
    {
        this.grant = newGrant;
        if (pruneSubscriptions && newGrant != null)
        {
            final InboundEvent event = begin(InboundEventType.PRUNE);
            if (event == null)
            {
                return;
            }
            final int[] ids = event.tagCapacity(Math.max(1, newGrant.size()));
            for (int i = 0; i < newGrant.size(); i++)
            {
                ids[i] = newGrant.id(i);
            }
            event.tagCount = newGrant.size();
            commit();
        }
    }

    /** Queues an already encoded reply for this client, after everything it sent before. */
    public void reply(final byte[] encoded)
    {
        final InboundEvent event = begin(InboundEventType.REPLY);
        if (event == null)
        {
            return;
        }
        event.payload.put(encoded, 0, encoded.length);
        commit();
    }

    /** Applies one decoded frame. */
    public void dispatch(final MistFrame frame)
    {
        switch (frame.command())
        {
            case PING:
                reply(PONG);
                break;
            case SUBSCRIBE:
                subscription(frame, InboundEventType.SUBSCRIBE);
                break;
            case UNSUBSCRIBE:
                subscription(frame, InboundEventType.UNSUBSCRIBE);
                break;
            case PUBLISH:
                publish(frame);
                break;
            case LIST:
                query(frame, InboundEventType.LIST);
                break;
            case LISTALL:
                if (grant != null)
                {
                    refuse(Command.LISTALL, FORBIDDEN_QUERY); // every client's tags: not for a restricted token
                    break;
                }
                query(frame, InboundEventType.LISTALL);
                break;
            case WHO:
                if (grant != null)
                {
                    refuse(Command.WHO, FORBIDDEN_QUERY);
                    break;
                }
                query(frame, InboundEventType.WHO);
                break;
            case AUTH:
                break; // mist's no-op: never "Unknown Command", never a reply
            default:
                if (adminCommandsExist && frame.command().isAdmin())
                {
                    refuse(frame.command(), FORBIDDEN_ADMIN);
                    break;
                }
                // Admin commands without an authenticator answer as unknown, as in mist.
                unknownCommand(frame);
                break;
        }
    }

    /**
     * Answers a frame that could not be decoded with {@code {"command":...,"error":...}}; with {@code close} the
     * connection is closed once the reply (and everything queued before it) is written.
     */
    public void reject(final MistFrame partial, final String error, final boolean close)
    {
        final InboundEvent event = begin(close ? InboundEventType.CLOSE : InboundEventType.REPLY);
        if (event == null)
        {
            return;
        }
        final GrowableBytes out = event.payload;
        MistJsonWriter.openCommand(out, partial.commandBytes(), 0, partial.commandLength());
        MistJsonWriter.error(out, error);
        MistJsonWriter.close(out);
        commit();
    }

    /** The connection is gone; the matcher forgets its subscriptions. */
    public void disconnected()
    {
        if (begin(InboundEventType.DISCONNECT) != null)
        {
            commit();
        }
    }

    /**
     * Claims the next ring slot for this client's request and clears its event; {@link #commit()} publishes it.
     *
     * @return the event to fill, or null when the engine has stopped (the request is dropped).
     */
    private InboundEvent begin(final InboundEventType type)
    {
        final long sequence = ring.claim();
        if (sequence < 0)
        {
            return null;
        }
        claimed = sequence;
        final InboundEvent event = ring.event(sequence);
        event.type = type;
        event.session = session;
        event.tagCount = 0;
        event.payload.clear();
        return event;
    }

    private void commit()
    {
        ring.publish(claimed);
    }

    private void refuse(final Command command, final String error)
    {
        final InboundEvent event = begin(InboundEventType.REPLY);
        if (event == null)
        {
            return;
        }
        MistJsonWriter.errorReply(event.payload, command, error);
        commit();
    }

    private void subscription(final MistFrame frame, final InboundEventType type)
    {
        final int n = frame.tagCount();
        if (n == 0)
        {
            return; // mist: empty tags are a silent no-op
        }
        final String limit = limitError(frame);
        if (limit != null)
        {
            refuse(frame.command(), limit);
            return;
        }
        final int[] order = tagOrder.sort(frame);
        final InboundEvent event = begin(type);
        if (event == null)
        {
            return;
        }
        final int[] ids = event.tagCapacity(n);
        int count = 0;
        int previous = -1;
        boolean unknown = false;
        boolean full = false;
        final byte[] bytes = frame.tagBytes();
        for (int i = 0; i < n; i++)
        {
            final int tag = order[i];
            if (previous >= 0 && TagOrder.compare(frame, previous, tag) == 0)
            {
                continue; // set semantics: [a,a] is [a]
            }
            previous = tag;
            final int offset = frame.tagOffset(tag);
            final int length = frame.tagLength(tag);
            final int id = type == InboundEventType.SUBSCRIBE ?
                tagTable.internWithinLimit(bytes, offset, length) : tagTable.lookup(bytes, offset, length);
            full |= id == TagTable.FULL;
            unknown |= id < 0;
            ids[count++] = id;
        }
        event.tagCount = count;
        if (full)
        {
            event.type = InboundEventType.REPLY;
            event.tagCount = 0;
            MistJsonWriter.errorReply(event.payload, Command.SUBSCRIBE, limits.tooManyDistinctTags(tagTable.size()));
        }
        else if (unknown)
        {
            event.type = InboundEventType.NONE; // a never-seen tag is in no subscription: nothing to unsubscribe
        }
        else if (type == InboundEventType.SUBSCRIBE && grant != null && !grant.containsAny(ids, count))
        {
            event.type = InboundEventType.REPLY;
            event.tagCount = 0;
            MistJsonWriter.errorReply(event.payload, Command.SUBSCRIBE, FORBIDDEN_SUBSCRIBE);
        }
        commit();
    }

    private void publish(final MistFrame frame)
    {
        if (frame.tagCount() == 0)
        {
            return; // mist drops a publish without tags silently
        }
        final String limit = limitError(frame);
        if (limit != null)
        {
            refuse(Command.PUBLISH, limit);
            return;
        }
        final InboundEvent event = begin(InboundEventType.PUBLISH);
        if (event == null)
        {
            return;
        }
        event.decodedNanos = stampDecodeTime ? System.nanoTime() : 0;
        final int encoded = encodePublish(frame, event);
        final String error = !publishAllowed(event) ? FORBIDDEN_PUBLISH : encoded > largestDelivery ?
            OutboundRing.tooLarge("Message", encoded, largestDelivery) : null;
        if (error != null)
        {
            final GrowableBytes out = event.payload;
            out.clear();
            MistJsonWriter.errorReply(out, Command.PUBLISH, error);
            event.type = InboundEventType.REPLY;
            event.tagCount = 0;
        }
        commit();
    }

    /**
     * Publishes for a caller that answers the client itself (HTTP): nothing is queued for this session, the outcome
     * is returned instead. Allocates only for an error.
     *
     * @return null when the message is in the ring, else the error for the client.
     */
    public String publishOutOfBand(final MistFrame frame)
    {
        if (frame.tagCount() == 0)
        {
            return NO_TAGS;
        }
        final String limit = limitError(frame);
        if (limit != null)
        {
            return limit;
        }
        final InboundEvent event = begin(InboundEventType.PUBLISH);
        if (event == null)
        {
            return STOPPING;
        }
        event.decodedNanos = stampDecodeTime ? System.nanoTime() : 0;
        final int encoded = encodePublish(frame, event);
        final String error = !publishAllowed(event) ? FORBIDDEN_PUBLISH : encoded > largestDelivery ?
            OutboundRing.tooLarge("Message", encoded, largestDelivery) : null;
        if (error != null)
        {
            event.type = InboundEventType.NONE;
        }
        commit();
        return error;
    }

    /** The error for a frame over the tag limits, or null; allocates only for an error. */
    private String limitError(final MistFrame frame)
    {
        final String tooMany = limits.tooManyTags(frame.tagCount());
        if (tooMany != null)
        {
            return tooMany;
        }
        for (int i = 0, n = frame.tagCount(); i < n; i++)
        {
            if (frame.tagLength(i) > limits.maxTagLength())
            {
                return limits.tagTooLong(frame.tagLength(i));
            }
        }
        return null;
    }

    /** A restricted connection may publish only when every tag of the message is granted (and so known). */
    private boolean publishAllowed(final InboundEvent event)
    {
        return grant == null || (!unknownTag && grant.containsAll(event.tags, event.tagCount));
    }

    /** A legacy text client's {@code list}: answered as {@code list a,b c}. */
    public void listText()
    {
        if (begin(InboundEventType.LIST_TEXT) != null)
        {
            commit();
        }
    }

    /**
     * Encodes the delivery (sorted tags as sent, data) into the event's payload and its distinct known tag ids into
     * its tags.
     *
     * @return the encoded length.
     */
    private int encodePublish(final MistFrame frame, final InboundEvent event)
    {
        final int n = frame.tagCount();
        final int[] order = tagOrder.sort(frame);
        final int[] ids = event.tagCapacity(n);
        final byte[] bytes = frame.tagBytes();
        final GrowableBytes out = event.payload;
        MistJsonWriter.openCommand(out, Command.PUBLISH);
        MistJsonWriter.openTags(out);
        int count = 0;
        int previous = -1;
        unknownTag = false;
        for (int i = 0; i < n; i++)
        {
            final int tag = order[i];
            final int offset = frame.tagOffset(tag);
            final int length = frame.tagLength(tag);
            MistJsonWriter.arrayElement(out, i == 0, bytes, offset, length);
            if (previous >= 0 && TagOrder.compare(frame, previous, tag) == 0)
            {
                continue; // delivered tags keep duplicates; matching uses each tag once
            }
            previous = tag;
            final int id = tagTable.lookup(bytes, offset, length);
            if (id >= 0)
            {
                ids[count++] = id; // an unknown tag is in no subscription, so it cannot decide a match
            }
            else
            {
                unknownTag = true;
            }
        }
        MistJsonWriter.closeArray(out);
        if (frame.dataLength() > 0)
        {
            MistJsonWriter.data(out, frame.dataBytes(), 0, frame.dataLength());
        }
        MistJsonWriter.close(out);
        event.tagCount = count;
        return out.length();
    }

    private void query(final MistFrame frame, final InboundEventType type)
    {
        final InboundEvent event = begin(type);
        if (event == null)
        {
            return;
        }
        writeTagsEcho(frame, event.payload);
        commit();
    }

    private void unknownCommand(final MistFrame frame)
    {
        final InboundEvent event = begin(InboundEventType.REPLY);
        if (event == null)
        {
            return;
        }
        final GrowableBytes out = event.payload;
        MistJsonWriter.openCommand(out, frame.commandBytes(), 0, frame.commandLength());
        if (echoUnknown)
        {
            writeTagsEcho(frame, out);
            if (frame.dataLength() > 0)
            {
                MistJsonWriter.data(out, frame.dataBytes(), 0, frame.dataLength());
            }
        }
        MistJsonWriter.error(out, UNKNOWN_COMMAND);
        MistJsonWriter.close(out);
        commit();
    }

    /** Writes {@code ,"tags":[...]} with the request's tags as sent, or nothing when it had none. */
    private static void writeTagsEcho(final MistFrame frame, final GrowableBytes out)
    {
        final int n = frame.tagCount();
        if (n == 0)
        {
            return;
        }
        MistJsonWriter.openTags(out);
        for (int i = 0; i < n; i++)
        {
            MistJsonWriter.arrayElement(out, i == 0, frame.tagBytes(), frame.tagOffset(i), frame.tagLength(i));
        }
        MistJsonWriter.closeArray(out);
    }
}
