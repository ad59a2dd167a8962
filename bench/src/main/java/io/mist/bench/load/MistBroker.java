package io.mist.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * mist over its TCP protocol, as any mist client speaks it: newline-terminated JSON frames on a plain socket, through
 * a {@link ThinClient}. A subscriber finds each delivery's {@code "data"} string without building objects. A
 * subscription the server refuses (over {@code --max-subscriptions}, say) stops the run with the server's words.
 */
public final class MistBroker implements Broker
{
    private static final byte[] DATA_KEY = "\"data\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUBLISH_PREFIX = "{\"command\":\"publish\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "{\"command\":\"ping\",\"data\":\"pong\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR_KEY = "\"error\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUBLISH_END = "\"}\n".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress address;

    public MistBroker(final InetSocketAddress address)
    {
        this.address = address;
    }

    @Override
    public String name()
    {
        return "mist";
    }

    @Override
    public InetSocketAddress address()
    {
        return address;
    }

    @Override
    public boolean supportsSubsetMatching()
    {
        return true;
    }

    @Override
    public Subscriber subscriber(final DeliverySink sink) throws IOException
    {
        return new MistSubscriber(address, sink);
    }

    @Override
    public Publisher publisher() throws IOException
    {
        return new MistPublisher(address);
    }

    static String frame(final String command, final List<String> tags)
    {
        final StringBuilder json = new StringBuilder("{\"command\":\"").append(command).append("\",\"tags\":[");
        for (int i = 0; i < tags.size(); i++)
        {
            json.append(i > 0 ? ",\"" : "\"").append(tags.get(i)).append('"');
        }
        return json.append(']').toString();
    }

    private static String publishPrefix(final List<String> tags)
    {
        return frame("publish", tags) + ",\"data\":\"";
    }

    /** Handles each complete line of {@code buffer[start, end)} with {@code line}; returns where the rest starts. */
    private static int lines(final byte[] buffer, final int start, final int end, final LineHandler line)
    {
        int from = start;
        int newline;
        while ((newline = ThinClient.indexOf(buffer, from, end, (byte)'\n')) >= 0)
        {
            line.line(buffer, from, newline);
            from = newline + 1;
        }
        return from;
    }

    @FunctionalInterface
    private interface LineHandler
    {
        void line(byte[] buffer, int start, int end);
    }

    /** Deliveries go to the sink, pongs confirm subscriptions, error replies refuse them. */
    private static final class MistSubscriber extends ThinClient implements Subscriber, LineHandler
    {
        private final DeliverySink sink;
        private final Semaphore pongs = new Semaphore(0);
        private volatile String refusal;

        MistSubscriber(final InetSocketAddress address, final DeliverySink sink) throws IOException
        {
            super(address, "mist-subscriber");
            this.sink = sink;
            startReading();
        }

        @Override
        public void subscribe(final List<String> tags) throws Exception
        {
            out.write((frame("subscribe", tags) + "}\n{\"command\":\"ping\"}\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!pongs.tryAcquire(10, TimeUnit.SECONDS))
            {
                throw new IOException("mist did not confirm a subscription within 10 s", failure());
            }
            if (refusal != null)
            {
                throw new ScenarioRefused("mist refused a subscription of the scenario: " + refusal + ". Start the " +
                    "server with a higher limit (the flag named), or spread the scenario over more --connections.");
            }
        }

        @Override
        int consume(final byte[] buffer, final int start, final int end)
        {
            return lines(buffer, start, end, this);
        }

        @Override
        public void line(final byte[] buffer, final int start, final int end)
        {
            if (startsWith(buffer, start, end, PUBLISH_PREFIX))
            {
                // mist writes "data" last, after the tags: the payload ends just before the closing "}, so it is not
                // walked a second time to find its end.
                final int key = find(buffer, start, end, DATA_KEY);
                if (key >= 0 && end - 2 > key + DATA_KEY.length && buffer[end - 1] == '}' && buffer[end - 2] == '"')
                {
                    final int from = key + DATA_KEY.length;
                    sink.onMessage(buffer, from, end - 2 - from);
                }
            }
            else if (end - start == PONG.length && startsWith(buffer, start, end, PONG))
            {
                pongs.release();
            }
            else
            {
                final int key = find(buffer, start, end, ERROR_KEY);
                if (key >= 0 && refusal == null)
                {
                    refusal = new String(buffer, key + ERROR_KEY.length, end - key - ERROR_KEY.length - 2,
                        StandardCharsets.UTF_8);
                }
            }
        }
    }

    /** Writes publish frames; the reader counts any error replies (a publisher gets none unless refused). */
    private static final class MistPublisher extends ThinClient implements Publisher, LineHandler
    {
        private final AtomicLong errors = new AtomicLong();

        MistPublisher(final InetSocketAddress address) throws IOException
        {
            super(address, "mist-publisher-replies");
            startReading();
        }

        @Override
        public void publish(final List<String> tags, final byte[] payload) throws IOException
        {
            out.write(prefix(tags, MistBroker::publishPrefix));
            out.write(payload);
            out.write(PUBLISH_END);
        }

        @Override
        int consume(final byte[] buffer, final int start, final int end)
        {
            return lines(buffer, start, end, this);
        }

        @Override
        public void line(final byte[] buffer, final int start, final int end)
        {
            errors.incrementAndGet();
        }

        @Override
        public void close() throws IOException
        {
            if (errors.get() > 0)
            {
                System.err.println("mist refused " + errors.get() + " publishes");
            }
            super.close();
        }
    }

    private static int find(final byte[] buffer, final int start, final int end, final byte[] needle)
    {
        for (int i = start, last = end - needle.length; i <= last; i++)
        {
            if (ThinClient.startsWith(buffer, i, end, needle))
            {
                return i;
            }
        }
        return -1;
    }
}
