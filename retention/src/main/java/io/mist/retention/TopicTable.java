package io.mist.retention;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The retention store's state: its topics by name, and every kept message in the order kept, so the oldest go
 * first when the TTL, a topic's queue size or the byte budget says so. A message leaves its topic from the front only
 * (pulled, expired, or pushed out by a newer one), so the oldest message of the store is always at the front of its
 * topic; one pulled out of order is marked gone and skipped when the age order reaches it. Retention thread only;
 * {@link RetentionCounters} for everyone else.
 */
public final class TopicTable
{
    private final RetentionOptions options;
    private final RetentionCounters counters;
    private final long ttlNanos;
    /** By name, in name order (msgbus lists topics as Go marshals a map: sorted). */
    private final Map<String, RetainedTopic> topics = new TreeMap<>();
    private final ArrayDeque<RetainedMessage> byAge = new ArrayDeque<>();
    /** Told the name of each deleted topic. */
    private final java.util.function.Consumer<String> deleted;
    private final io.mist.codec.MistFrameParser parser = new io.mist.codec.MistFrameParser();
    private final io.mist.codec.MistFrame parsed = new io.mist.codec.MistFrame();
    private long bytes;
    private long messages;

    TopicTable(final RetentionOptions options, final RetentionCounters counters,
        final java.util.function.Consumer<String> deleted)
    {
        this.options = options;
        this.counters = counters;
        this.deleted = deleted;
        this.ttlNanos = options.ttl().toNanos();
    }

    /** The topic of that name, made now if there is none; null when there are {@code --msgbus-max-topics} already. */
    public RetainedTopic topic(final String name, final long epochNanos)
    {
        RetainedTopic topic = topics.get(name);
        if (topic == null)
        {
            if (topics.size() >= options.maxTopics())
            {
                return null;
            }
            topic = new RetainedTopic(name, epochNanos, ttlNanos);
            topics.put(name, topic);
            counters.topics.set(topics.size());
        }
        return topic;
    }

    /** The topic of that name; null when there is none. */
    public RetainedTopic find(final String name)
    {
        return topics.get(name);
    }

    /** Every topic, in name order. */
    public Collection<RetainedTopic> topics()
    {
        return topics.values();
    }

    /**
     * Keeps a message under each of its tags that is a topic, with the next id of each, and hands it to each topic's
     * subscribers; then enforces the bounds.
     */
    void file(final Incoming incoming)
    {
        final String[] tags = incoming.tags();
        for (int i = 0; i < tags.length; i++)
        {
            final RetainedTopic topic = topics.get(tags[i]);
            if (topic == null || repeated(tags, i))
            {
                continue;
            }
            final RetainedMessage message = new RetainedMessage(topic, topic.nextId(), incoming);
            if (topic.messages.size() >= options.queueSize())
            {
                remove(topic.messages.pollFirst());
                counters.droppedQueueFull.incrementAndGet();
            }
            topic.messages.addLast(message);
            byAge.addLast(message);
            bytes += message.size();
            messages++;
            counters.retained.incrementAndGet();
            push(topic, message);
        }
        while (bytes > options.maxBytes())
        {
            final RetainedMessage oldest = oldest();
            if (oldest == null)
            {
                break;
            }
            oldest.topic().messages.pollFirst();
            remove(oldest);
            counters.droppedMemory.incrementAndGet();
        }
        publish();
    }

    private static boolean repeated(final String[] tags, final int index)
    {
        for (int i = 0; i < index; i++)
        {
            if (tags[i].equals(tags[index]))
            {
                return true;
            }
        }
        return false;
    }

    private void push(final RetainedTopic topic, final RetainedMessage message)
    {
        byte[] payload = null;
        for (final Iterator<TopicSubscriber> it = topic.subscribers.iterator(); it.hasNext(); )
        {
            final TopicSubscriber subscriber = it.next();
            if (!subscriber.open())
            {
                it.remove();
                counters.subscribers.decrementAndGet();
            }
            else if (subscriber.deliver(topic, message, payload == null ? payload = payload(message) : payload))
            {
                counters.pushed.incrementAndGet();
            }
            else
            {
                counters.pushDropped.incrementAndGet();
            }
        }
    }

    /** A kept message's payload: the data of its mist frame, as UTF-8 (decoded for each use, not kept twice). */
    public byte[] payload(final RetainedMessage message)
    {
        final byte[] frame = message.frame();
        try
        {
            parser.parse(frame, frame.length - 1, parsed);
        }
        catch (final io.mist.codec.FrameException ex)
        {
            throw new IllegalStateException("a kept frame the matcher wrote does not parse", ex);
        }
        return java.util.Arrays.copyOf(parsed.dataBytes(), parsed.dataLength());
    }

    /** The topic's oldest message, taken out of the store; null when it keeps none. */
    public RetainedMessage pull(final RetainedTopic topic)
    {
        final RetainedMessage message = topic.messages.pollFirst();
        if (message != null)
        {
            remove(message);
            counters.pulled.incrementAndGet();
            publish();
        }
        return message;
    }

    /**
     * Adds a subscriber to the topic: first the kept messages with an id of at least {@code fromId} (none when it is
     * negative), then every new one. Nothing kept later is missed or sent twice: both happen on this thread.
     */
    public void subscribe(final RetainedTopic topic, final TopicSubscriber subscriber, final long fromId)
    {
        if (fromId >= 0)
        {
            for (final RetainedMessage message : topic.messages)
            {
                if (message.id() >= fromId)
                {
                    if (subscriber.deliver(topic, message, payload(message)))
                    {
                        counters.pushed.incrementAndGet();
                    }
                    else
                    {
                        counters.pushDropped.incrementAndGet();
                    }
                }
            }
        }
        topic.subscribers.add(subscriber);
        counters.subscribers.incrementAndGet();
    }

    /**
     * The kept mist frames of the topic from message number {@code since} on whose tags hold all of {@code tags} (a
     * mist subscription's replay), oldest first.
     */
    public java.util.List<byte[]> replay(final String name, final String[] tags, final long since)
    {
        final RetainedTopic topic = topics.get(name);
        final java.util.List<byte[]> frames = new java.util.ArrayList<>();
        if (topic == null)
        {
            return frames;
        }
        for (final RetainedMessage message : topic.messages)
        {
            if (message.sequence() >= since && java.util.Arrays.asList(message.tags()).containsAll(
                java.util.Arrays.asList(tags)))
            {
                frames.add(message.frame());
            }
        }
        return frames;
    }

    /** Deletes the topic, its messages and its subscriptions (they are told); false when there is no such topic. */
    public boolean delete(final String name)
    {
        final RetainedTopic topic = topics.remove(name);
        if (topic == null)
        {
            return false;
        }
        for (RetainedMessage message = topic.messages.pollFirst(); message != null;
            message = topic.messages.pollFirst())
        {
            remove(message);
        }
        for (final TopicSubscriber subscriber : topic.subscribers)
        {
            subscriber.topicDeleted(topic);
        }
        counters.subscribers.addAndGet(-topic.subscribers.size());
        topic.subscribers.clear();
        counters.topics.set(topics.size());
        publish();
        deleted.accept(name);
        return true;
    }

    /** Removes messages kept longer than the TTL, oldest first, and forgets subscribers that left. */
    void expire(final long nanoTime)
    {
        for (RetainedMessage oldest = oldest(); oldest != null && nanoTime - oldest.createdNanoTime() >= ttlNanos;
            oldest = oldest())
        {
            oldest.topic().messages.pollFirst();
            remove(oldest);
            counters.expired.incrementAndGet();
        }
        for (final RetainedTopic topic : topics.values())
        {
            final int before = topic.subscribers.size();
            topic.subscribers.removeIf(subscriber -> !subscriber.open());
            counters.subscribers.addAndGet(topic.subscribers.size() - before);
        }
        publish();
    }

    /** The oldest message still kept (the age order's gone ones dropped on the way); null when there is none. */
    private RetainedMessage oldest()
    {
        RetainedMessage head = byAge.peekFirst();
        while (head != null && head.gone)
        {
            byAge.pollFirst();
            head = byAge.peekFirst();
        }
        return head;
    }

    private void remove(final RetainedMessage message)
    {
        message.gone = true;
        bytes -= message.size();
        messages--;
    }

    private void publish()
    {
        counters.bytes.set(bytes);
        counters.messages.set(messages);
    }
}
