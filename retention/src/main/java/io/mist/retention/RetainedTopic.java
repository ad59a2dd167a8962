package io.mist.retention;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One topic of the retention store: its name (a mist tag), when it was made, its next message id, the messages it
 * keeps (oldest first) and its subscribers. Retention thread only, except {@link #name()} and {@link #ttlNanos()}.
 */
public final class RetainedTopic
{
    private final String name;
    private final long createdEpochNanos;
    private final long ttlNanos;
    private long sequence;
    final ArrayDeque<RetainedMessage> messages = new ArrayDeque<>();
    final List<TopicSubscriber> subscribers = new ArrayList<>();

    RetainedTopic(final String name, final long createdEpochNanos, final long ttlNanos)
    {
        this.name = name;
        this.createdEpochNanos = createdEpochNanos;
        this.ttlNanos = ttlNanos;
    }

    public String name()
    {
        return name;
    }

    /** When the topic was made, nanoseconds since the epoch. */
    public long createdEpochNanos()
    {
        return createdEpochNanos;
    }

    /** How long its messages are kept, in nanoseconds (msgbus's {@code ttl}). */
    public long ttlNanos()
    {
        return ttlNanos;
    }

    /** Messages ever kept under the topic: the next message's id (msgbus's {@code seq}). Retention thread. */
    public long sequence()
    {
        return sequence;
    }

    long nextId()
    {
        return sequence++;
    }

    /** Messages kept now. Retention thread. */
    public int size()
    {
        return messages.size();
    }
}
