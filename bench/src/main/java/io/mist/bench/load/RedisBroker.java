package io.mist.bench.load;

import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Redis {@code PUBLISH}/{@code SUBSCRIBE} through its standard Java client, Jedis: a channel per tag. Each subscriber
 * is a connection blocked in {@code SUBSCRIBE} on a thread of its own; a publisher pipelines {@code PUBLISH}es and
 * reads their replies every {@value #PIPELINE} messages (or at each flush).
 */
public final class RedisBroker implements Broker
{
    private static final int PIPELINE = 64;

    private final String host;
    private final int port;

    public RedisBroker(final String host, final int port)
    {
        this.host = host;
        this.port = port;
    }

    @Override
    public String name()
    {
        return "redis";
    }

    @Override
    public boolean supportsSubsetMatching()
    {
        return false;
    }

    @Override
    public Subscriber subscriber(final DeliverySink sink)
    {
        final Jedis jedis = new Jedis(host, port, 5000, 0);
        final CountDownLatch subscribed = new CountDownLatch(1);
        final BinaryJedisPubSub pubSub = new BinaryJedisPubSub()
        {
            @Override
            public void onMessage(final byte[] channel, final byte[] message)
            {
                sink.onMessage(message, 0, message.length);
            }

            @Override
            public void onSubscribe(final byte[] channel, final int subscribedChannels)
            {
                subscribed.countDown();
            }
        };
        return new Subscriber()
        {
            private Thread thread;

            @Override
            public void subscribe(final List<String> tags) throws Exception
            {
                final byte[] channel = NatsBroker.single(tags).getBytes(StandardCharsets.UTF_8);
                thread = new Thread(() ->
                {
                    try
                    {
                        jedis.subscribe(pubSub, channel);
                    }
                    catch (final RuntimeException closed)
                    {
                        // the connection was closed under it at the end of the run
                    }
                }, "redis-subscriber");
                thread.setDaemon(true);
                thread.start();
                if (!subscribed.await(10, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("Redis did not confirm SUBSCRIBE within 10 s");
                }
            }

            @Override
            public void close() throws Exception
            {
                if (pubSub.isSubscribed())
                {
                    pubSub.unsubscribe();
                }
                if (thread != null)
                {
                    thread.join(2000);
                }
                jedis.close();
            }
        };
    }

    @Override
    public Publisher publisher()
    {
        final Jedis jedis = new Jedis(host, port, 5000, 10_000);
        final Pipeline pipeline = jedis.pipelined();
        return new Publisher()
        {
            private int pending;

            @Override
            public void publish(final List<String> tags, final byte[] payload)
            {
                pipeline.publish(NatsBroker.single(tags).getBytes(StandardCharsets.UTF_8), payload.clone());
                if (++pending == PIPELINE)
                {
                    flush();
                }
            }

            @Override
            public void flush()
            {
                pipeline.sync();
                pending = 0;
            }

            @Override
            public void close()
            {
                flush();
                jedis.close();
            }
        };
    }
}
