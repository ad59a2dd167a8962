package io.mist.engine.ring;

import io.mist.codec.GrowableBytes;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * One slot of the inbound ring: a request from a client on its way to the matcher. Pre-allocated by the Disruptor
 * and reused; filled by an IO thread between claim and publish, read by the matcher thread after. Filling it
 * allocates nothing (a type byte, a session slot, bytes and ints; a large payload borrows a {@link PayloadPool} array
 * until the matcher releases the slot), so the long-lived slot costs the garbage collector nothing per message.
 */
public final class InboundEvent
{
    /** Tag arrays beyond this count are dropped after use: a frame of thousands of tags must not grow slots for good. */
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
    public final GrowableBytes payload;
    /** The payload's array seen as a buffer, re-wrapped only when the array changes. */
    private final UnsafeBuffer view;

    /** A slot whose payloads of {@link PayloadPool#POOLED_FROM} bytes or more borrow arrays from {@code pool}. */
    public InboundEvent(final PayloadPool pool)
    {
        payload = new GrowableBytes(INITIAL_PAYLOAD, pool, PayloadPool.POOLED_FROM);
        view = new UnsafeBuffer(payload.array());
    }

    /** A slot with a pool of its own (tests and benchmarks that drive one event). */
    public InboundEvent()
    {
        this(new PayloadPool());
    }

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

    /**
     * Called by the producer after claiming, and again when a fill is refused or fails: an empty event of session
     * {@code owner} (-1: not a client). An array it had borrowed for that fill goes back to the pool at once.
     */
    public void reset(final int owner)
    {
        type = InboundEventType.NONE;
        replayStore = -1;
        session = owner;
        tagCount = 0;
        decodedNanos = 0;
        listSeparator = 0;
        payload.recycle();
    }

    /** Called by the matcher after handling: a borrowed payload array goes back to the pool, oversized tags go. */
    public void release()
    {
        if (tags.length > RETAINED_TAGS)
        {
            tags = new int[INITIAL_TAGS];
        }
        payload.recycle();
    }
}
