package io.mist.transport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * How accepted sockets are set up, read and written: {@code TCP_NODELAY}, the kernel's send and receive buffers (0
 * keeps the operating system's default and its auto-tuning), the bytes gathered per write when draining a client's
 * outbound ring (each drain flushes once, after up to 16 such writes), and the most bytes one read takes. Immutable,
 * validated once.
 *
 * @param tcpNoDelay whether small writes go out at once (true, the default) or Nagle may coalesce them.
 * @param sendBuffer {@code SO_SNDBUF} in bytes, 0 for the OS default.
 * @param receiveBuffer {@code SO_RCVBUF} in bytes, 0 for the OS default.
 * @param writeBatch bytes per write when draining, 4 KiB to 16 MiB; default 64 KiB.
 * @param readSize the most bytes one read from a socket takes (reads start small and grow while they fill their
 *     buffer), 4 KiB to 16 MiB; default 256 KiB: on 16 KiB fan-out fewer reads than with Netty's 64 KiB, and
 *     about an eighth less broker CPU per delivery (perf-results, 2026-11-29).
 */
public record SocketTuning(boolean tcpNoDelay, int sendBuffer, int receiveBuffer, int writeBatch, int readSize)
{
    public static final int DEFAULT_WRITE_BATCH = 64 * 1024;
    public static final int DEFAULT_READ_SIZE = 256 * 1024;
    public static final SocketTuning DEFAULTS = new SocketTuning(true, 0, 0, DEFAULT_WRITE_BATCH, DEFAULT_READ_SIZE);
    private static final AttributeKey<SocketTuning> KEY = AttributeKey.valueOf(SocketTuning.class, "tuning");

    /** The tuning a listener gave its accepted {@code channel}; {@link #DEFAULTS} when none. Any thread. */
    public static SocketTuning of(final Channel channel)
    {
        final SocketTuning tuning = channel.attr(KEY).get();
        return tuning == null ? DEFAULTS : tuning;
    }

    /** Listener: records this tuning on an accepted channel. */
    void attachTo(final Channel channel)
    {
        channel.attr(KEY).set(this);
    }

    public SocketTuning
    {
        if (sendBuffer < 0 || receiveBuffer < 0)
        {
            throw new IllegalArgumentException("--socket-send-buffer and --socket-receive-buffer must be 0 (the OS " +
                "default) or a size in bytes, got " + (sendBuffer < 0 ? sendBuffer : receiveBuffer));
        }
        requireBetween4kAnd16m("--write-batch-size", writeBatch);
        requireBetween4kAnd16m("--read-size", readSize);
    }

    private static void requireBetween4kAnd16m(final String flag, final int bytes)
    {
        if (bytes < 4096 || bytes > 16 * 1024 * 1024)
        {
            throw new IllegalArgumentException(flag + " must be between 4k and 16m, got " + bytes);
        }
    }
}
