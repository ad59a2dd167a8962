package io.mist.bench.load;

import java.util.Arrays;

/**
 * The payload of every benchmark message, the same for every broker: 16 hexadecimal digits of the time it stands for
 * ({@code System.nanoTime()} of the harness JVM: its send time, or in latency mode its intended send time), then 'x'
 * up to the payload size. Plain ASCII, so mist carries it as a JSON string unescaped. Stateless.
 */
public final class Payloads
{
    /** The smallest payload: just the time stamp. */
    public static final int MIN_SIZE = 16;
    /** What {@link #stampOf} returns for a payload without a stamp ({@code System.nanoTime()} may be negative). */
    public static final long NO_STAMP = Long.MIN_VALUE;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Payloads()
    {
    }

    /** A new payload of {@code size} bytes, stamp zero. */
    public static byte[] create(final int size)
    {
        if (size < MIN_SIZE)
        {
            throw new IllegalArgumentException("payload must be at least " + MIN_SIZE + " bytes, got " + size);
        }
        final byte[] payload = new byte[size];
        Arrays.fill(payload, (byte)'x');
        stamp(payload, 0);
        return payload;
    }

    /** Writes {@code nanos} into the payload's first 16 bytes. */
    public static void stamp(final byte[] payload, final long nanos)
    {
        for (int i = 15; i >= 0; i--)
        {
            payload[i] = HEX[(int)(nanos >>> ((15 - i) * 4)) & 0xF];
        }
    }

    /** Reads the stamp of a payload starting at {@code offset}; {@link #NO_STAMP} when it is not one of ours. */
    public static long stampOf(final byte[] buffer, final int offset, final int length)
    {
        if (length < MIN_SIZE)
        {
            return NO_STAMP;
        }
        long value = 0;
        for (int i = 0; i < 16; i++)
        {
            final int c = buffer[offset + i];
            final int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0)
            {
                return NO_STAMP;
            }
            value = (value << 4) | digit;
        }
        return value;
    }
}
