package io.mist.bench.load;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * mist over its TCP protocol, as any mist client speaks it: newline-terminated JSON frames on a plain socket. The
 * publisher writes through a 64 KiB buffer; each subscriber has a reader thread that finds each delivery's
 * {@code "data"} string in its receive buffer without building objects (the harness's own costs stay small, since it
 * shares the machine's two cores with the broker).
 */
public final class MistBroker implements Broker
{
    private static final byte[] DATA_KEY = "\"data\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUBLISH_PREFIX = "{\"command\":\"publish\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "{\"command\":\"ping\",\"data\":\"pong\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUBLISH_END = "\"}\n".getBytes(StandardCharsets.US_ASCII);

    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

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
    public boolean supportsSubsetMatching()
    {
        return true;
    }

    @Override
    public Subscriber subscriber(final DeliverySink sink) throws IOException
    {
        return new MistSubscriber(connect(), sink);
    }

    @Override
    public Publisher publisher() throws IOException
    {
        return new MistPublisher(connect());
    }

    private Socket connect() throws IOException
    {
        final Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setReceiveBufferSize(1 << 20);
        socket.connect(address, 5000);
        return socket;
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

    /** Reads frames line by line on its own thread; deliveries go to the sink, pongs release waiting subscribes. */
    private static final class MistSubscriber implements Subscriber, Runnable
    {
        private final Socket socket;
        private final DeliverySink sink;
        private final Semaphore pongs = new Semaphore(0);
        private final Thread reader;
        private volatile IOException failure;

        MistSubscriber(final Socket socket, final DeliverySink sink)
        {
            this.socket = socket;
            this.sink = sink;
            this.reader = new Thread(this, "mist-subscriber");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void subscribe(final List<String> tags) throws Exception
        {
            final OutputStream out = socket.getOutputStream();
            out.write((frame("subscribe", tags) + "}\n{\"command\":\"ping\"}\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!pongs.tryAcquire(10, TimeUnit.SECONDS))
            {
                throw new IOException("mist did not confirm a subscription within 10 s", failure);
            }
        }

        @Override
        public void run()
        {
            byte[] buffer = new byte[1 << 20];
            int start = 0;
            int end = 0;
            try
            {
                final InputStream in = socket.getInputStream();
                while (true)
                {
                    if (end == buffer.length)
                    {
                        if (start == 0)
                        {
                            buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2); // a frame over 1 MiB
                        }
                        else
                        {
                            System.arraycopy(buffer, start, buffer, 0, end - start);
                            end -= start;
                            start = 0;
                        }
                    }
                    final int n = in.read(buffer, end, buffer.length - end);
                    if (n < 0)
                    {
                        return;
                    }
                    end += n;
                    int newline;
                    while ((newline = indexOf(buffer, start, end, (byte)'\n')) >= 0)
                    {
                        line(buffer, start, newline);
                        start = newline + 1;
                    }
                    if (start == end)
                    {
                        start = 0;
                        end = 0;
                    }
                }
            }
            catch (final IOException ex)
            {
                failure = ex;
            }
        }

        private void line(final byte[] buffer, final int start, final int end)
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
        }

        @Override
        public void close() throws IOException
        {
            socket.close();
        }
    }

    /** Writes publish frames through a buffer; a reader thread counts any error replies. */
    private static final class MistPublisher implements Publisher, Runnable
    {
        private final Socket socket;
        private final OutputStream out;
        private final Map<List<String>, byte[]> prefixes = new HashMap<>();
        private final AtomicLong errors = new AtomicLong();

        MistPublisher(final Socket socket) throws IOException
        {
            this.socket = socket;
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            final Thread reader = new Thread(this, "mist-publisher-replies");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void publish(final List<String> tags, final byte[] payload) throws IOException
        {
            byte[] prefix = prefixes.get(tags);
            if (prefix == null)
            {
                prefix = (frame("publish", tags) + ",\"data\":\"").getBytes(StandardCharsets.UTF_8);
                prefixes.put(tags, prefix);
            }
            out.write(prefix);
            out.write(payload);
            out.write(PUBLISH_END);
        }

        @Override
        public void flush() throws IOException
        {
            out.flush();
        }

        @Override
        public void run()
        {
            try
            {
                final InputStream in = socket.getInputStream();
                int b;
                while ((b = in.read()) >= 0)
                {
                    if (b == '\n')
                    {
                        errors.incrementAndGet(); // a publisher gets no replies unless something was refused
                    }
                }
            }
            catch (final IOException ignored)
            {
                // closed
            }
        }

        @Override
        public void close() throws IOException
        {
            if (errors.get() > 0)
            {
                System.err.println("mist refused " + errors.get() + " publishes");
            }
            socket.close();
        }
    }

    /** The first {@code value} in {@code [from, to)}, eight bytes at a time (the delivery stream is mostly payload). */
    static int indexOf(final byte[] buffer, final int from, final int to, final byte value)
    {
        final long pattern = (value & 0xFFL) * 0x0101_0101_0101_0101L;
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES)
        {
            final long word = (long)LONGS.get(buffer, i) ^ pattern;
            final long found = (word - 0x0101_0101_0101_0101L) & ~word & 0x8080_8080_8080_8080L;
            if (found != 0)
            {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++)
        {
            if (buffer[i] == value)
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(final byte[] buffer, final int start, final int end, final byte[] prefix)
    {
        if (end - start < prefix.length)
        {
            return false;
        }
        for (int i = 0; i < prefix.length; i++)
        {
            if (buffer[start + i] != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    private static int find(final byte[] buffer, final int start, final int end, final byte[] needle)
    {
        for (int i = start, last = end - needle.length; i <= last; i++)
        {
            if (startsWith(buffer, i, end, needle))
            {
                return i;
            }
        }
        return -1;
    }
}
