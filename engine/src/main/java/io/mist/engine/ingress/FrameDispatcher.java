package io.mist.engine.ingress;

import io.mist.codec.Command;
import io.mist.codec.GrowableBytes;
import io.mist.codec.MistFrame;
import io.mist.codec.MistJsonWriter;
import io.mist.engine.outbound.OutboundRing;
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

    private final InboundRing ring;
    private final TagTable tagTable;
    private final ClientSession session;
    private final boolean echoUnknown;
    private final int largestDelivery;
    private final TagOrder tagOrder = new TagOrder();
    /** The slot {@link #begin} claimed, for {@link #commit}. */
    private long claimed;

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

    public ClientSession session()
    {
        return session;
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
                query(frame, InboundEventType.LISTALL);
                break;
            case WHO:
                query(frame, InboundEventType.WHO);
                break;
            case AUTH:
                break; // mist's no-op: never "Unknown Command", never a reply
            default:
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

    private void reply(final byte[] encoded)
    {
        final InboundEvent event = begin(InboundEventType.REPLY);
        if (event == null)
        {
            return;
        }
        event.payload.put(encoded, 0, encoded.length);
        commit();
    }

    private void subscription(final MistFrame frame, final InboundEventType type)
    {
        final int n = frame.tagCount();
        if (n == 0)
        {
            return; // mist: empty tags are a silent no-op
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
                tagTable.intern(bytes, offset, length) : tagTable.lookup(bytes, offset, length);
            unknown |= id < 0;
            ids[count++] = id;
        }
        event.tagCount = count;
        if (unknown)
        {
            event.type = InboundEventType.NONE; // a never-seen tag is in no subscription: nothing to unsubscribe
        }
        commit();
    }

    private void publish(final MistFrame frame)
    {
        if (frame.tagCount() == 0)
        {
            return; // mist drops a publish without tags silently
        }
        final InboundEvent event = begin(InboundEventType.PUBLISH);
        if (event == null)
        {
            return;
        }
        final int encoded = encodePublish(frame, event);
        if (encoded > largestDelivery)
        {
            final GrowableBytes out = event.payload;
            out.clear();
            MistJsonWriter.errorReply(out, Command.PUBLISH, OutboundRing.tooLarge("Message", encoded, largestDelivery));
            event.type = InboundEventType.REPLY;
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
        final InboundEvent event = begin(InboundEventType.PUBLISH);
        if (event == null)
        {
            return STOPPING;
        }
        final int encoded = encodePublish(frame, event);
        if (encoded > largestDelivery)
        {
            event.type = InboundEventType.NONE;
            commit();
            return OutboundRing.tooLarge("Message", encoded, largestDelivery);
        }
        commit();
        return null;
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
