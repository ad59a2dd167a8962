package io.mist.bench.load;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One broker the harness can drive: mist over its TCP protocol, nats-server over its text protocol, Redis pub/sub
 * over RESP, each through an equally thin raw-socket client ({@link ThinClient}). Each subscriber and publisher is a
 * connection of its own. Used by the harness's main thread to set up; the
 * returned objects document their own threads.
 */
public interface Broker
{
    /** "mist", "nats" or "redis". */
    String name();

    /** Where the broker listens (also how its process is found, to read its CPU time). */
    InetSocketAddress address();

    /** The one tag of a peer's subject or channel: peers cannot subscribe to several at once. */
    static String singleTag(final List<String> tags)
    {
        if (tags.size() != 1)
        {
            throw new IllegalArgumentException("a peer subject or channel is one tag, got " + tags);
        }
        return tags.get(0);
    }

    /** Every process serving this broker, by a listening address (their CPU is added up); one for most. */
    default List<InetSocketAddress> processAddresses()
    {
        return List.of(address());
    }

    /** Called once every subscriber has subscribed, before publishing starts (a cluster spreads its interest). */
    default void ready() throws Exception
    {
    }

    /** Whether a subscription of several tags means "messages carrying all of them" (only mist's model). */
    boolean supportsSubsetMatching();

    /** A connected subscriber whose deliveries go to {@code sink}, on a thread of the client's own. */
    Subscriber subscriber(DeliverySink sink) throws Exception;

    /** A connected publisher, used by one thread. */
    Publisher publisher() throws Exception;

    /** Receives the payload of each delivery; called by one thread per subscriber. */
    @FunctionalInterface
    interface DeliverySink
    {
        void onMessage(byte[] buffer, int offset, int length);
    }

    /** A subscribing connection. */
    interface Subscriber extends AutoCloseable
    {
        /** Subscribes and returns once the broker has confirmed it. Peers take only one tag (subject, channel). */
        void subscribe(List<String> tags) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** A publishing connection; one thread. */
    interface Publisher extends AutoCloseable
    {
        /** Sends (or buffers) a message; {@code payload} may be reused by the caller once this returns. */
        void publish(List<String> tags, byte[] payload) throws Exception;

        /** Sends what is buffered. */
        void flush() throws Exception;

        @Override
        void close() throws Exception;
    }
}
