package io.mist.engine.ingress;

import io.mist.codec.Command;
import io.mist.codec.GrowableBytes;
import io.mist.codec.MistFrame;
import io.mist.codec.MistJsonWriter;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.tag.TagTable;

/**
 * Encodes a decoded request into a claimed inbound event: a publish as the exact bytes every receiver gets plus its
 * distinct known tag ids, a subscription as its canonical set of tag ids. Checks each request against its producer's
 * {@link RequestPolicy}; a refused request leaves the event empty. Allocation-free. Owned by the producer's thread.
 */
public final class RequestEncoder
{
    private final TagTable tagTable;
    private final RequestPolicy policy;
    private final boolean stampDecodeTime;
    private final TagOrder tagOrder = new TagOrder();
    /**
     * While the producer handles one socket read ({@link #readBegins}): the decode time its publishes share, 0 until
     * the first of them reads the clock; {@link #NOT_IN_READ} otherwise, when each publish reads it.
     */
    private long readNanos = NOT_IN_READ;
    private static final long NOT_IN_READ = -1;

    /** @param stampDecodeTime whether publishes carry {@code System.nanoTime()} of their decode (latency histograms). */
    public RequestEncoder(final TagTable tagTable, final RequestPolicy policy, final boolean stampDecodeTime)
    {
        this.tagTable = tagTable;
        this.policy = policy;
        this.stampDecodeTime = stampDecodeTime;
    }

    /**
     * The producer begins handling one socket read: its publishes are stamped with one clock reading, taken when the
     * first of them is decoded, instead of one each (the clock is a measurable share of a small publish's cost).
     * Paired with {@link #readEnds}.
     */
    public void readBegins()
    {
        readNanos = 0;
    }

    /** The read is handled: publishes from now on read the clock each, until the next {@link #readBegins}. */
    public void readEnds()
    {
        readNanos = NOT_IN_READ;
    }

    private long decodeTime()
    {
        if (!stampDecodeTime)
        {
            return 0;
        }
        final long shared = readNanos;
        if (shared == NOT_IN_READ)
        {
            return System.nanoTime();
        }
        return shared != 0 ? shared : (readNanos = System.nanoTime());
    }

    public RequestPolicy policy()
    {
        return policy;
    }

    /**
     * Makes {@code event} the publish of {@code frame}.
     *
     * @return null when the event holds it, else why it was refused (the event is left empty).
     */
    public Refusal publish(final InboundEvent event, final MistFrame frame)
    {
        if (frame.tagCount() == 0)
        {
            return Refusal.NO_TAGS;
        }
        Refusal refusal = policy.tags(frame);
        if (refusal != null)
        {
            return refusal;
        }
        event.type = InboundEventType.PUBLISH;
        event.decodedNanos = decodeTime();
        final int n = frame.tagCount();
        final byte[] wireForm = frame.wireForm();
        // A publish read in the output form has its tags in delivery order already (the parser checked): not sorted.
        final int[] order = wireForm == null ? tagOrder.sort(frame) : null;
        final int[] ids = event.tagCapacity(n);
        final byte[] bytes = frame.tagBytes();
        final GrowableBytes out = event.payload;
        if (wireForm == null)
        {
            MistJsonWriter.openCommand(out, Command.PUBLISH);
            MistJsonWriter.openTags(out);
        }
        int count = 0;
        int previous = -1;
        boolean unknownTag = false;
        for (int i = 0; i < n; i++)
        {
            final int tag = order == null ? i : order[i];
            final int offset = frame.tagOffset(tag);
            final int length = frame.tagLength(tag);
            if (wireForm == null)
            {
                MistJsonWriter.arrayElement(out, i == 0, bytes, offset, length);
            }
            if (previous >= 0 && TagOrder.same(frame, previous, tag))
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
        if (wireForm != null)
        {
            out.put(wireForm, frame.wireFormOffset(), frame.wireFormLength()); // as mist delivers it: one copy
            out.put((byte)'\n');
        }
        else
        {
            MistJsonWriter.closeArray(out);
            if (frame.dataLength() > 0 && frame.dataPlain())
            {
                // One copy, from where the parser found it, nothing to escape.
                MistJsonWriter.plainData(out, frame.dataArray(), frame.dataOffset(), frame.dataLength());
            }
            else if (frame.dataLength() > 0)
            {
                MistJsonWriter.data(out, frame.dataArray(), frame.dataOffset(), frame.dataLength());
            }
            MistJsonWriter.close(out);
        }
        event.tagCount = count;
        refusal = policy.publish(ids, count, unknownTag, out.length());
        if (refusal != null)
        {
            event.reset(event.session);
        }
        return refusal;
    }

    /**
     * Makes {@code event} the subscribe or unsubscribe ({@code type}) of {@code frame}'s tag set; leaves it empty
     * when there is nothing to do (no tags, as mist; or unsubscribing from a tag no subscription ever held).
     *
     * @return null, or why it was refused (the event is left empty).
     */
    public Refusal subscription(final InboundEvent event, final MistFrame frame, final byte type)
    {
        final int n = frame.tagCount();
        if (n == 0)
        {
            return null; // mist: empty tags are a silent no-op
        }
        final Refusal limit = policy.tags(frame);
        if (limit != null)
        {
            return limit;
        }
        final int[] order = tagOrder.sort(frame);
        final int[] ids = event.tagCapacity(n);
        int count = 0;
        int previous = -1;
        boolean unknown = false;
        boolean full = false;
        final byte[] bytes = frame.tagBytes();
        for (int i = 0; i < n; i++)
        {
            final int tag = order[i];
            if (previous >= 0 && TagOrder.same(frame, previous, tag))
            {
                continue; // set semantics: [a,a] is [a]
            }
            previous = tag;
            final int offset = frame.tagOffset(tag);
            final int length = frame.tagLength(tag);
            final boolean subscribe = type == InboundEventType.SUBSCRIBE || type == InboundEventType.SUBSCRIBE_REPLAY;
            final int id = subscribe ?
                tagTable.internWithinLimit(bytes, offset, length) : tagTable.lookup(bytes, offset, length);
            full |= id == TagTable.FULL;
            unknown |= id < 0;
            ids[count++] = id;
        }
        if (full)
        {
            return policy.tagTableFull(tagTable.size());
        }
        if (unknown)
        {
            return null; // a never-seen tag is in no subscription: nothing to unsubscribe
        }
        if (type == InboundEventType.SUBSCRIBE || type == InboundEventType.SUBSCRIBE_REPLAY)
        {
            final Refusal forbidden = policy.subscribe(ids, count);
            if (forbidden != null)
            {
                return forbidden;
            }
        }
        event.type = type;
        event.tagCount = count;
        return null;
    }
}
