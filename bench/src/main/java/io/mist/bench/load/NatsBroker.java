package io.mist.bench.load;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.time.Duration;
import java.util.List;

/**
 * nats-server through its standard Java client, jnats: a subject per tag. Each subscriber is a connection with one
 * dispatcher (its thread calls the sink) and no pending limits, so the client never drops; a publisher hands each
 * message to jnats' outgoing queue, which its writer thread sends in batches.
 */
public final class NatsBroker implements Broker
{
    private final String url;

    /** @param url e.g. {@code nats://127.0.0.1:4222}. */
    public NatsBroker(final String url)
    {
        this.url = url;
    }

    @Override
    public String name()
    {
        return "nats";
    }

    @Override
    public boolean supportsSubsetMatching()
    {
        return false;
    }

    private Connection connect() throws Exception
    {
        return Nats.connect(new Options.Builder().server(url).connectionTimeout(Duration.ofSeconds(5))
            .maxMessagesInOutgoingQueue(1 << 20).noReconnect().build());
    }

    @Override
    public Subscriber subscriber(final DeliverySink sink) throws Exception
    {
        final Connection connection = connect();
        final Dispatcher dispatcher = connection.createDispatcher(message ->
        {
            final byte[] data = message.getData();
            sink.onMessage(data, 0, data.length);
        });
        dispatcher.setPendingLimits(0, 0); // 0: no limit, the harness's window bounds what is outstanding
        return new Subscriber()
        {
            @Override
            public void subscribe(final List<String> tags) throws Exception
            {
                dispatcher.subscribe(single(tags));
                connection.flush(Duration.ofSeconds(10));
            }

            @Override
            public void close() throws Exception
            {
                connection.close();
            }
        };
    }

    @Override
    public Publisher publisher() throws Exception
    {
        final Connection connection = connect();
        return new Publisher()
        {
            @Override
            public void publish(final List<String> tags, final byte[] payload)
            {
                // jnats keeps the array until its writer thread sends it, so it gets a copy of its own.
                connection.publish(single(tags), payload.clone());
            }

            @Override
            public void flush() throws Exception
            {
                connection.flushBuffer();
            }

            @Override
            public void close() throws Exception
            {
                connection.flush(Duration.ofSeconds(10));
                connection.close();
            }
        };
    }

    static String single(final List<String> tags)
    {
        if (tags.size() != 1)
        {
            throw new IllegalArgumentException("a peer subject or channel is one tag, got " + tags);
        }
        return tags.get(0);
    }
}
