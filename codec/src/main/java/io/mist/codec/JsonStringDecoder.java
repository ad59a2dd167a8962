package io.mist.codec;

/**
 * Decodes one JSON string literal to UTF-8 bytes with Go's {@code encoding/json} rules, which mist's
 * clients were written against: escapes are resolved, invalid UTF-8 and lone surrogates become U+FFFD,
 * raw control characters are an error. Stateless; allocation-free while the sink has room.
 */
public final class JsonStringDecoder
{
    private static final byte[] REPLACEMENT = { (byte)0xEF, (byte)0xBF, (byte)0xBD };

    private JsonStringDecoder()
    {
    }

    /**
     * Decodes the string whose opening quote is at {@code src[quote]}, appending its UTF-8 bytes to {@code sink}.
     *
     * @return the index just after the closing quote.
     */
    public static int decode(final byte[] src, final int quote, final int limit, final GrowableBytes sink)
        throws FrameException
    {
        if (quote >= limit || src[quote] != '"')
        {
            throw new FrameException("invalid JSON: expected a string");
        }
        // Fast path: printable ASCII without escapes is copied in one go. Bytes >= 0x80 are negative in Java, so
        // one comparison stops at control characters and non-ASCII alike.
        int i = quote + 1;
        while (i < limit)
        {
            final byte b = src[i];
            if (b < 0x20 || b == '"' || b == '\\')
            {
                break;
            }
            i++;
        }
        sink.put(src, quote + 1, i - quote - 1);
        if (i < limit && src[i] == '"')
        {
            return i + 1;
        }

        sink.ensureSpare(limit - i);
        while (i < limit)
        {
            final int b = src[i] & 0xFF;
            if (b == '"')
            {
                return i + 1;
            }
            if (b == '\\')
            {
                i = unescape(src, i + 1, limit, sink);
            }
            else if (b < 0x20)
            {
                throw new FrameException("invalid JSON: control character in string");
            }
            else if (b < 0x80)
            {
                sink.putUnchecked((byte)b);
                i++;
            }
            else
            {
                final int size = validUtf8Length(src, i, limit);
                if (size < 0)
                {
                    i++;
                    putReplacement(sink, limit - i);
                }
                else
                {
                    sink.put(src, i, size);
                    i += size;
                }
            }
        }
        throw new FrameException("invalid JSON: unterminated string");
    }

    /**
     * Appends raw bytes that should be UTF-8 but come unchecked (a legacy text line, a URL parameter) with the same
     * repair as {@link #decode}: every ill-formed sequence becomes U+FFFD, so nothing invalid reaches a client.
     */
    public static void appendSanitized(final byte[] src, final int offset, final int length, final GrowableBytes sink)
    {
        final int limit = offset + length;
        sink.ensureSpare(length);
        int i = offset;
        while (i < limit)
        {
            final int b = src[i] & 0xFF;
            if (b < 0x80)
            {
                sink.putUnchecked((byte)b);
                i++;
                continue;
            }
            final int size = validUtf8Length(src, i, limit);
            if (size < 0)
            {
                i++;
                putReplacement(sink, limit - i);
            }
            else
            {
                sink.put(src, i, size);
                i += size;
            }
        }
    }

    /**
     * Appends U+FFFD for one ill-formed byte. Callers write plain ASCII unchecked on the promise of one spare byte per
     * input byte left; a replacement writes three bytes for one, so it restores that promise for the {@code
     * remaining} input bytes.
     */
    private static void putReplacement(final GrowableBytes sink, final int remaining)
    {
        sink.ensureSpare(REPLACEMENT.length + remaining);
        sink.put(REPLACEMENT, 0, REPLACEMENT.length);
    }

    /** Resolves the escape whose letter is at {@code src[i]}; returns the index after it. */
    private static int unescape(final byte[] src, final int i, final int limit, final GrowableBytes sink)
        throws FrameException
    {
        if (i >= limit)
        {
            throw new FrameException("invalid JSON: unterminated string");
        }
        final byte c = src[i];
        switch (c)
        {
            case '"':
            case '\\':
            case '/':
                sink.put(c);
                return i + 1;
            case 'b':
                sink.put((byte)'\b');
                return i + 1;
            case 'f':
                sink.put((byte)'\f');
                return i + 1;
            case 'n':
                sink.put((byte)'\n');
                return i + 1;
            case 'r':
                sink.put((byte)'\r');
                return i + 1;
            case 't':
                sink.put((byte)'\t');
                return i + 1;
            case 'u':
                int codePoint = hex4(src, i + 1, limit);
                int next = i + 5;
                if (codePoint >= 0xD800 && codePoint < 0xE000)
                {
                    // A high surrogate followed by an escaped low surrogate is one code point; anything else is U+FFFD.
                    if (codePoint < 0xDC00 && next + 5 < limit && src[next] == '\\' && src[next + 1] == 'u')
                    {
                        final int low = hex4(src, next + 2, limit);
                        if (low >= 0xDC00 && low < 0xE000)
                        {
                            codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                            next += 6;
                        }
                        else
                        {
                            codePoint = 0xFFFD;
                        }
                    }
                    else
                    {
                        codePoint = 0xFFFD;
                    }
                }
                putCodePoint(codePoint, sink);
                return next;
            default:
                throw new FrameException("invalid JSON: bad escape in string");
        }
    }

    private static int hex4(final byte[] src, final int from, final int limit) throws FrameException
    {
        if (from + 4 > limit)
        {
            throw new FrameException("invalid JSON: bad \\u escape in string");
        }
        int value = 0;
        for (int i = from; i < from + 4; i++)
        {
            final int b = src[i];
            final int digit;
            if (b >= '0' && b <= '9')
            {
                digit = b - '0';
            }
            else if (b >= 'a' && b <= 'f')
            {
                digit = b - 'a' + 10;
            }
            else if (b >= 'A' && b <= 'F')
            {
                digit = b - 'A' + 10;
            }
            else
            {
                throw new FrameException("invalid JSON: bad \\u escape in string");
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    private static void putCodePoint(final int cp, final GrowableBytes sink)
    {
        sink.ensureSpare(4);
        if (cp < 0x80)
        {
            sink.putUnchecked((byte)cp);
        }
        else if (cp < 0x800)
        {
            sink.putUnchecked((byte)(0xC0 | (cp >> 6)));
            sink.putUnchecked((byte)(0x80 | (cp & 0x3F)));
        }
        else if (cp < 0x10000)
        {
            sink.putUnchecked((byte)(0xE0 | (cp >> 12)));
            sink.putUnchecked((byte)(0x80 | ((cp >> 6) & 0x3F)));
            sink.putUnchecked((byte)(0x80 | (cp & 0x3F)));
        }
        else
        {
            sink.putUnchecked((byte)(0xF0 | (cp >> 18)));
            sink.putUnchecked((byte)(0x80 | ((cp >> 12) & 0x3F)));
            sink.putUnchecked((byte)(0x80 | ((cp >> 6) & 0x3F)));
            sink.putUnchecked((byte)(0x80 | (cp & 0x3F)));
        }
    }

    /**
     * The length of the well-formed UTF-8 sequence starting at {@code src[i]} (a byte >= 0x80), or -1 where Go's
     * {@code utf8.DecodeRune} would report an error (overlong, surrogate, beyond U+10FFFF, truncated).
     */
    static int validUtf8Length(final byte[] src, final int i, final int limit)
    {
        final int b0 = src[i] & 0xFF;
        final int size;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF)
        {
            size = 2;
        }
        else if (b0 >= 0xE0 && b0 <= 0xEF)
        {
            size = 3;
            if (b0 == 0xE0)
            {
                lo = 0xA0;
            }
            else if (b0 == 0xED)
            {
                hi = 0x9F;
            }
        }
        else if (b0 >= 0xF0 && b0 <= 0xF4)
        {
            size = 4;
            if (b0 == 0xF0)
            {
                lo = 0x90;
            }
            else if (b0 == 0xF4)
            {
                hi = 0x8F;
            }
        }
        else
        {
            return -1;
        }
        if (i + size > limit)
        {
            return -1;
        }
        final int b1 = src[i + 1] & 0xFF;
        if (b1 < lo || b1 > hi)
        {
            return -1;
        }
        for (int k = 2; k < size; k++)
        {
            final int bk = src[i + k] & 0xFF;
            if (bk < 0x80 || bk > 0xBF)
            {
                return -1;
            }
        }
        return size;
    }
}
