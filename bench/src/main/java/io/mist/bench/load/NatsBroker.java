package io.mist.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * nats-server in its text protocol on a raw {@link ThinClient}, a subject per tag: as thin as the mist client
 * ({@code verbose} and {@code echo} off). A subscriber's reader takes each {@code MSG}'s payload in place and answers
 * the server's {@code PING}s; a publisher writes {@code PUB}s through its buffer.
 */
public final class NatsBroker implements Broker
{
    private static final byte[] CONNECT = ("CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false," +
        "\"lang\":\"java-thin\",\"version\":\"1\",\"protocol\":1}\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MSG = "MSG ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "PING".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "PONG".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG_LINE = "PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERR = "-ERR".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = { '\r', '\n' };

    private final InetSocketAddress address;

    /** @param url e.g. {@code nats://127.0.0.1:4222}. */
    public NatsBroker(final String url)
    {
        final URI uri = URI.create(url);
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 4222 : uri.getPort());
    }

    @Override
    public String name()
    {
        return "nats";
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
        return new NatsClient(address, sink, "nats-subscriber");
    }

    @Override
    public Publisher publisher() throws IOException
    {
        return new NatsClient(address, null, "nats-publisher-replies");
    }

    private static String publishPrefix(final List<String> tags)
    {
        return "PUB " + Broker.singleTag(tags) + " ";
    }

    /**
     * Either side of a NATS connection: control lines and {@code MSG}s for a subscriber, only {@code PING}s and errors
     * for a publisher. A {@code PING} is answered by the writing thread at its next write ({@link #pongOwed}), so the
     * socket has one writer.
     */
    private static final class NatsClient extends ThinClient implements Subscriber, Publisher
    {
        private final DeliverySink sink;
        private final Semaphore pongs = new Semaphore(0);
        private final AtomicLong errors = new AtomicLong();
        private volatile boolean pongOwed;
        private int sids;

        NatsClient(final InetSocketAddress address, final DeliverySink sink, final String thread) throws IOException
        {
            super(address, thread);
            this.sink = sink;
            out.write(CONNECT);
            out.flush();
            startReading();
        }

        @Override
        public void subscribe(final List<String> tags) throws Exception
        {
            answerPing();
            out.write(("SUB " + Broker.singleTag(tags) + " " + ++sids + "\r\nPING\r\n")
                .getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!pongs.tryAcquire(10, TimeUnit.SECONDS))
            {
                throw new IOException("nats-server did not confirm SUB within 10 s", failure());
            }
            if (errors.get() > 0)
            {
                throw new ScenarioRefused("nats-server answered -ERR to the subscription");
            }
        }

        @Override
        public void publish(final List<String> tags, final byte[] payload) throws IOException
        {
            answerPing();
            out.write(prefix(tags, NatsBroker::publishPrefix));
            writeLengthLine(NO_LEAD, payload.length);
            out.write(payload);
            out.write(CRLF);
        }

        @Override
        public void flush() throws IOException
        {
            answerPing();
            out.flush();
        }

        private void answerPing() throws IOException
        {
            if (pongOwed)
            {
                pongOwed = false;
                out.write(PONG_LINE);
            }
        }

        @Override
        int consume(final byte[] buffer, final int start, final int end)
        {
            int from = start;
            while (from < end)
            {
                final int lineEnd = indexOf(buffer, from, end, (byte)'\r');
                if (lineEnd < 0 || lineEnd + 1 >= end)
                {
                    return from;
                }
                final int next = lineEnd + 2;
                if (startsWith(buffer, from, lineEnd, MSG))
                {
                    // MSG <subject> <sid> [reply-to] <#bytes>: the size is the last field.
                    int space = lineEnd - 1;
                    while (buffer[space] != ' ')
                    {
                        space--;
                    }
                    final int length = parseDecimal(buffer, space + 1, lineEnd);
                    if (next + length + 2 > end)
                    {
                        return from;
                    }
                    if (sink != null)
                    {
                        sink.onMessage(buffer, next, length);
                    }
                    from = next + length + 2;
                    continue;
                }
                if (lineEnd - from == PING.length && startsWith(buffer, from, lineEnd, PING))
                {
                    pongOwed = true;
                }
                else if (lineEnd - from == PONG.length && startsWith(buffer, from, lineEnd, PONG))
                {
                    pongs.release();
                }
                else if (startsWith(buffer, from, lineEnd, ERR))
                {
                    errors.incrementAndGet();
                    System.err.println("nats-server: " + new String(buffer, from, lineEnd - from,
                        StandardCharsets.UTF_8));
                }
                from = next; // INFO and +OK need nothing
            }
            return from;
        }
    }
}
