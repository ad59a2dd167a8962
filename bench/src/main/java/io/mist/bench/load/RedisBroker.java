package io.mist.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Redis {@code PUBLISH}/{@code SUBSCRIBE} in RESP on a raw {@link ThinClient}, a channel per tag: as thin as the mist
 * client. A subscriber's reader takes each {@code message} array's payload in place; a publisher writes
 * {@code PUBLISH} commands through its buffer and its reader discards the integer replies.
 */
public final class RedisBroker implements Broker
{
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBSCRIBE = "subscribe".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = { '\r', '\n' };

    private final InetSocketAddress address;

    public RedisBroker(final InetSocketAddress address)
    {
        this.address = address;
    }

    @Override
    public String name()
    {
        return "redis";
    }

    @Override
    public InetSocketAddress address()
    {
        return address;
    }

    @Override
    public boolean supportsSubsetMatching()
    {
        return false;
    }

    @Override
    public Subscriber subscriber(final DeliverySink sink) throws IOException
    {
        return new RedisSubscriber(address, sink);
    }

    @Override
    public Publisher publisher() throws IOException
    {
        return new RedisPublisher(address);
    }

    /** {@code PUBLISH <channel> } in RESP, up to the payload's bulk string. */
    private static String publishPrefix(final List<String> tags)
    {
        final String channel = Broker.singleTag(tags);
        return "*3\r\n$7\r\nPUBLISH\r\n$" + channel.getBytes(StandardCharsets.UTF_8).length + "\r\n" + channel + "\r\n";
    }

    /** A RESP bulk string header, {@code $<length>\r\n}. */
    private static byte[] bulkHeader(final int length)
    {
        return ("$" + length + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads RESP arrays of bulk strings and integers: {@code subscribe} confirmations and {@code message}s. */
    private static final class RedisSubscriber extends ThinClient implements Subscriber
    {
        private final DeliverySink sink;
        private final Semaphore confirmed = new Semaphore(0);
        /** Offsets and lengths of the current array's first three elements (an integer element has length -1). */
        private final int[] offsets = new int[3];
        private final int[] lengths = new int[3];

        RedisSubscriber(final InetSocketAddress address, final DeliverySink sink) throws IOException
        {
            super(address, "redis-subscriber");
            this.sink = sink;
            startReading();
        }

        @Override
        public void subscribe(final List<String> tags) throws Exception
        {
            final byte[] channel = Broker.singleTag(tags).getBytes(StandardCharsets.UTF_8);
            out.write("*2\r\n$9\r\nSUBSCRIBE\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(bulkHeader(channel.length));
            out.write(channel);
            out.write(CRLF);
            out.flush();
            if (!confirmed.tryAcquire(10, TimeUnit.SECONDS))
            {
                throw new IOException("Redis did not confirm SUBSCRIBE within 10 s", failure());
            }
        }

        @Override
        int consume(final byte[] buffer, final int start, final int end) throws IOException
        {
            int from = start;
            while (from < end)
            {
                final int next = array(buffer, from, end);
                if (next < 0)
                {
                    return from;
                }
                if (lengths[0] == MESSAGE.length && startsWith(buffer, offsets[0], end, MESSAGE))
                {
                    sink.onMessage(buffer, offsets[2], lengths[2]);
                }
                else if (lengths[0] == SUBSCRIBE.length && startsWith(buffer, offsets[0], end, SUBSCRIBE))
                {
                    confirmed.release();
                }
                from = next;
            }
            return from;
        }

        /** Parses one array at {@code from}: its elements go to offsets/lengths; returns its end, -1 if incomplete. */
        private int array(final byte[] buffer, final int from, final int end) throws IOException
        {
            if (buffer[from] != '*')
            {
                throw new IOException("unexpected RESP from Redis: " + (char)buffer[from]);
            }
            int lineEnd = indexOf(buffer, from, end, (byte)'\r');
            if (lineEnd < 0 || lineEnd + 1 >= end)
            {
                return -1;
            }
            final int count = parseDecimal(buffer, from + 1, lineEnd);
            int pos = lineEnd + 2;
            for (int i = 0; i < count; i++)
            {
                if (pos >= end)
                {
                    return -1;
                }
                lineEnd = indexOf(buffer, pos, end, (byte)'\r');
                if (lineEnd < 0 || lineEnd + 1 >= end)
                {
                    return -1;
                }
                if (buffer[pos] == '$')
                {
                    final int length = parseDecimal(buffer, pos + 1, lineEnd);
                    final int data = lineEnd + 2;
                    if (data + length + 2 > end)
                    {
                        return -1;
                    }
                    if (i < 3)
                    {
                        offsets[i] = data;
                        lengths[i] = length;
                    }
                    pos = data + length + 2;
                }
                else
                {
                    if (i < 3)
                    {
                        offsets[i] = pos;
                        lengths[i] = -1;
                    }
                    pos = lineEnd + 2; // an integer
                }
            }
            return pos;
        }
    }

    /** Pipelines {@code PUBLISH}es through its buffer; the reader counts the replies and any errors. */
    private static final class RedisPublisher extends ThinClient implements Publisher
    {
        private final AtomicLong errors = new AtomicLong();

        RedisPublisher(final InetSocketAddress address) throws IOException
        {
            super(address, "redis-publisher-replies");
            startReading();
        }

        @Override
        public void publish(final List<String> tags, final byte[] payload) throws IOException
        {
            out.write(prefix(tags, RedisBroker::publishPrefix));
            writeLengthLine((byte)'$', payload.length);
            out.write(payload);
            out.write(CRLF);
        }

        @Override
        int consume(final byte[] buffer, final int start, final int end)
        {
            int from = start;
            int newline;
            while ((newline = indexOf(buffer, from, end, (byte)'\n')) >= 0)
            {
                if (buffer[from] == '-')
                {
                    errors.incrementAndGet();
                }
                from = newline + 1;
            }
            return from;
        }

        @Override
        public void close() throws IOException
        {
            if (errors.get() > 0)
            {
                System.err.println("Redis refused " + errors.get() + " publishes");
            }
            super.close();
        }
    }
}
