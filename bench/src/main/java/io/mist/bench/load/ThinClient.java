package io.mist.bench.load;

import io.mist.codec.VectorApi;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One raw socket connection to a broker, written the same way for every broker so that no client costs more than
 * another: a 1 MiB receive buffer and one reader thread that hands complete protocol units to {@link #consume},
 * without building objects; writes go through a 64 KiB buffer owned by one thread. Subclasses speak mist's JSON,
 * RESP or NATS' text protocol. The reader thread is the client's own; writes belong to the thread that publishes
 * (or that sets up a subscription).
 */
abstract class ThinClient implements Runnable, AutoCloseable
{
    static final int RECEIVE_BUFFER = 1 << 20;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int SEARCH_LANES = vectorLanes();

    /** {@link #writeLengthLine}'s lead for none. */
    static final byte NO_LEAD = 0;

    protected final Socket socket;
    protected final OutputStream out;
    /** Each tag set's encoded publish prefix, made once; the publishing thread's. */
    private final Map<List<String>, byte[]> prefixes = new HashMap<>();
    private final byte[] lengthLine = new byte[16];
    private final Thread reader;
    private volatile IOException failure;

    ThinClient(final InetSocketAddress address, final String threadName) throws IOException
    {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setReceiveBufferSize(RECEIVE_BUFFER);
        socket.connect(address, 5000);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        reader = new Thread(this, threadName);
        reader.setDaemon(true);
    }

    /** Starts the reader; call once the subclass is constructed. */
    final void startReading()
    {
        reader.start();
    }

    /**
     * Handles the complete units in {@code buffer[start, end)}; reader thread.
     *
     * @return where the first incomplete unit starts ({@code end} when all were complete).
     */
    abstract int consume(byte[] buffer, int start, int end) throws IOException;

    /** The publish prefix of {@code tags}, encoded by {@code encoder} the first time; publishing thread. */
    final byte[] prefix(final List<String> tags, final Function<List<String>, String> encoder)
    {
        byte[] prefix = prefixes.get(tags);
        if (prefix == null)
        {
            prefix = encoder.apply(tags).getBytes(StandardCharsets.UTF_8);
            prefixes.put(tags, prefix);
        }
        return prefix;
    }

    /** Writes {@code lead} (unless {@link #NO_LEAD}), {@code length} in decimal and CRLF; publishing thread. */
    final void writeLengthLine(final byte lead, final int length) throws IOException
    {
        int at = 0;
        if (lead != NO_LEAD)
        {
            lengthLine[at++] = lead;
        }
        at = writeDecimal(lengthLine, at, length);
        lengthLine[at++] = '\r';
        lengthLine[at++] = '\n';
        out.write(lengthLine, 0, at);
    }

    /** Sends what the write buffer holds; publishing thread. */
    public void flush() throws IOException
    {
        out.flush();
    }

    /** Why the reader stopped, if it failed. */
    final IOException failure()
    {
        return failure;
    }

    @Override
    public final void run()
    {
        byte[] buffer = new byte[RECEIVE_BUFFER];
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
                        buffer = Arrays.copyOf(buffer, buffer.length * 2); // a unit over the buffer's size
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
                start = consume(buffer, start, end);
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

    @Override
    public void close() throws IOException
    {
        socket.close();
    }

    /**
     * The first {@code value} in {@code [from, to)}, or -1: a vector at a time when the JVM has the Vector API (as Go's
     * clients search, with SIMD), else eight bytes at a time (the stream is mostly payload).
     */
    static int indexOf(final byte[] buffer, final int from, final int to, final byte value)
    {
        return SEARCH_LANES > Long.BYTES ? VectorSearch.indexOf(buffer, from, to, value) :
            wordIndexOf(buffer, from, to, value);
    }

    /** Bytes {@link #indexOf} tests at once: a vector's when the JVM has the Vector API, else a word's (8). */
    static int searchLanes()
    {
        return SEARCH_LANES;
    }

    private static int vectorLanes()
    {
        if (!VectorApi.present())
        {
            return Long.BYTES;
        }
        try
        {
            return Math.max(Long.BYTES, VectorSearch.lanes());
        }
        catch (final LinkageError ex)
        {
            return Long.BYTES;
        }
    }

    /** {@link #indexOf} eight bytes at a time. */
    static int wordIndexOf(final byte[] buffer, final int from, final int to, final byte value)
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

    static boolean startsWith(final byte[] buffer, final int start, final int end, final byte[] prefix)
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

    /** Writes a non-negative decimal number as ASCII. */
    static int writeDecimal(final byte[] into, final int at, final int value)
    {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10)
        {
            digits++;
        }
        for (int i = at + digits - 1, v = value; i >= at; i--, v /= 10)
        {
            into[i] = (byte)('0' + v % 10);
        }
        return at + digits;
    }

    /** Parses the non-negative ASCII decimal in {@code [from, to)}; -1 when it is not one. */
    static int parseDecimal(final byte[] buffer, final int from, final int to)
    {
        if (from >= to)
        {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++)
        {
            final int digit = buffer[i] - '0';
            if (digit < 0 || digit > 9)
            {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
