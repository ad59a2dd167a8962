package io.mist.retention;

/**
 * A message as the store received it from the matcher, before it is filed under its topics.
 *
 * @param sequence its number in the server.
 * @param frame its mist frame with its id.
 */
record Incoming(long sequence, byte[] frame, String[] tags, long epochNanos, long nanoTime)
{
}

/**
 * One message kept under one topic: its id in the topic (from 0), its number in the server, when it was kept, its
 * mist frame (whose data is the payload: {@link TopicTable#payload}) and all of its mist tags. Immutable but for
 * {@link #gone}, which the retention thread sets when the message leaves its topic before it leaves the store's age
 * order.
 */
public final class RetainedMessage
{
    /** Bookkeeping bytes counted per message beside its payload and tags. */
    static final int OVERHEAD = 96;

    private final RetainedTopic topic;
    private final long id;
    private final long sequence;
    private final byte[] frame;
    private final long createdEpochNanos;
    private final long createdNanoTime;
    private final String[] tags;
    private final int size;
    boolean gone;

    RetainedMessage(final RetainedTopic topic, final long id, final Incoming incoming)
    {
        this(topic, id, incoming.sequence(), incoming.frame(), incoming.epochNanos(), incoming.nanoTime(),
            incoming.tags());
    }

    private RetainedMessage(final RetainedTopic topic, final long id, final long sequence, final byte[] frame,
        final long createdEpochNanos, final long createdNanoTime, final String[] tags)
    {
        this.topic = topic;
        this.id = id;
        this.sequence = sequence;
        this.frame = frame;
        this.createdEpochNanos = createdEpochNanos;
        this.createdNanoTime = createdNanoTime;
        this.tags = tags;
        int bytes = OVERHEAD + frame.length;
        for (final String tag : tags)
        {
            bytes += 40 + tag.length();
        }
        this.size = bytes;
    }

    public RetainedTopic topic()
    {
        return topic;
    }

    /** Its id in its topic: 0 for the topic's first message. */
    public long id()
    {
        return id;
    }

    /** The message's number in the server (mist's {@code id}: messages counted from 1 as they reached the matcher). */
    public long sequence()
    {
        return sequence;
    }

    /** The mist frame as a client that asked for ids receives it, newline included; not to be changed. */
    public byte[] frame()
    {
        return frame;
    }

    /** When it was kept, nanoseconds since the epoch. */
    public long createdEpochNanos()
    {
        return createdEpochNanos;
    }

    long createdNanoTime()
    {
        return createdNanoTime;
    }

    /** All of the message's mist tags; not to be changed. */
    public String[] tags()
    {
        return tags;
    }

    /** The bytes it is counted as. */
    int size()
    {
        return size;
    }
}
