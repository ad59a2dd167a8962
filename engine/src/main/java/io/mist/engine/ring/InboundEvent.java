package io.mist.engine.ring;

import io.mist.codec.GrowableBytes;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * One slot of the inbound ring: a request from a client on its way to the matcher. Pre-allocated by the Disruptor
 * and reused; filled by an IO thread between claim and publish, read by the matcher thread after. Filling it stores
 * no reference (a type byte, a session slot, bytes and ints), so the long-lived slot costs the garbage collector
 * nothing per message.
 */
public final class InboundEvent
{
    /** Event payloads beyond this size are released after use so one huge frame does not pin memory in the ring. */
    static final int RETAINED_PAYLOAD = 64 * 1024;
    /** Likewise for tag ids: a frame of thousands of tags must not grow every slot it passes through for good. */
    static final int RETAINED_TAGS = 1024;
    private static final int INITIAL_PAYLOAD = 256;
    private static final int INITIAL_TAGS = 8;

    /** One of {@link InboundEventType}'s constants. */
    public byte type = InboundEventType.NONE;
    /** The client's slot in the engine's session table; -1 for a publisher that is not a client connection. */
    public int session = -1;
    /** Tag ids: the subscription set (canonical order) or the published message's known tags. */
    public int[] tags = new int[INITIAL_TAGS];
    public int tagCount;
    /** {@code PUBLISH} with latency histograms on: {@code System.nanoTime()} when the IO thread had decoded it. */
    public long decodedNanos;
    /** {@code LIST}: the byte between subscriptions in the reply's data; 0 for none (mist's JSON list). */
    public byte listSeparator;
    /**
     * Bytes the matcher forwards or completes: the encoded delivery for {@code PUBLISH}, the encoded reply for
     * {@code REPLY} and {@code CLOSE}, the encoded {@code ,"tags":[...]} echo for {@code LIST}, {@code LISTALL} and
     * {@code WHO}.
     */
    public final GrowableBytes payload = new GrowableBytes(INITIAL_PAYLOAD);
    /** The payload's array seen as a buffer, re-wrapped only when the array changes. */
    private final UnsafeBuffer view = new UnsafeBuffer(payload.array());

    /** Makes room for {@code count} tag ids. */
    public int[] tagCapacity(final int count)
    {
        if (tags.length < count)
        {
            tags = Arrays.copyOf(tags, Math.max(count, tags.length << 1));
        }
        return tags;
    }

    /** The payload's bytes as a buffer (its first {@code payload.length()} bytes are the payload). Matcher thread. */
    public UnsafeBuffer payloadView()
    {
        final byte[] array = payload.array();
        if (view.byteArray() != array)
        {
            view.wrap(array);
        }
        return view;
    }

    /** {@code SUBSCRIBE_REPLAY}: the replay's marker id. */
    public long replayId;
    /** {@code SUBSCRIBE_REPLAY}: the retention store's session slot. */
    public int replayStore = -1;

    /** Called by the producer after claiming: an empty event of session {@code owner} (-1: not a client). */
    public void reset(final int owner)
    {
        type = InboundEventType.NONE;
        replayStore = -1;
        session = owner;
        tagCount = 0;
        decodedNanos = 0;
        listSeparator = 0;
        payload.clear();
    }

    /** Called by the matcher after handling: drops oversized buffers. */
    public void release()
    {
        if (tags.length > RETAINED_TAGS)
        {
            tags = new int[INITIAL_TAGS];
        }
        payload.shrinkIfLargerThan(RETAINED_PAYLOAD, INITIAL_PAYLOAD);
    }
}
