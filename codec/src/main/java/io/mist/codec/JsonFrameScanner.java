package io.mist.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Finds where one JSON value ends in a TCP byte stream, as mist's streaming decoder does: values may span
 * lines, share a line, or be separated by any whitespace. It tracks only structure (nesting and strings), keeps its
 * position across reads so each byte is looked at once, jumps through strings with Netty's vectorised
 * {@code indexOf}, and bounds frame size and depth. Owned by the IO thread of one connection.
 */
public final class JsonFrameScanner
{
    /** The scanned bytes do not yet hold a complete value. */
    public static final int NEED_MORE = -1;
    /** The value grew beyond the maximum frame size. */
    public static final int TOO_LONG = -2;
    /** The value nests deeper than {@link #MAX_DEPTH}. */
    public static final int TOO_DEEP = -3;

    /** Deep enough for any real message; bounds the parser's recursion on hostile input. */
    public static final int MAX_DEPTH = 64;

    private static final int START = 0;
    private static final int STRUCTURE = 1;
    private static final int STRING_IN_STRUCTURE = 2;
    private static final int TOP_STRING = 3;
    private static final int LITERAL = 4;

    private static final ByteProcessor NOT_WHITESPACE = b -> b == ' ' || b == '\n' || b == '\r' || b == '\t';

    private final int maxFrameSize;
    private int state = START;
    private int depth;
    private int scanned;

    public JsonFrameScanner(final int maxFrameSize)
    {
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * Skips whitespace before a value. Call only between frames ({@link #inFrame()} false).
     *
     * @return true when a value starts at the buffer's reader index.
     */
    public static boolean skipWhitespace(final ByteBuf in)
    {
        final int start = in.forEachByte(NOT_WHITESPACE);
        if (start < 0)
        {
            in.skipBytes(in.readableBytes());
            return false;
        }
        in.readerIndex(start);
        return true;
    }

    /** True while a value has been started but not completed. */
    public boolean inFrame()
    {
        return scanned > 0;
    }

    /**
     * Scans the readable bytes of {@code in} from the frame start at its reader index, resuming where the last call
     * stopped. The reader index is not moved.
     *
     * @return the frame length when a complete value starts at the reader index, else {@link #NEED_MORE},
     * {@link #TOO_LONG} or {@link #TOO_DEEP}.
     */
    public int scan(final ByteBuf in)
    {
        final int start = in.readerIndex();
        final int limit = start + Math.min(in.readableBytes(), maxFrameSize + 1);
        int pos = start + scanned;
        while (pos < limit)
        {
            if (state == STRING_IN_STRUCTURE || state == TOP_STRING)
            {
                final int quote = in.indexOf(pos, limit, (byte)'"');
                if (quote < 0)
                {
                    pos = limit;
                    break;
                }
                pos = quote + 1;
                if (isEscaped(in, quote))
                {
                    continue;
                }
                if (state == TOP_STRING)
                {
                    return complete(start, pos);
                }
                state = STRUCTURE;
                continue;
            }
            final byte b = in.getByte(pos);
            switch (state)
            {
                case START:
                    if (b == '{' || b == '[')
                    {
                        state = STRUCTURE;
                        depth = 1;
                    }
                    else
                    {
                        state = b == '"' ? TOP_STRING : LITERAL;
                    }
                    pos++;
                    break;
                case STRUCTURE:
                    pos++;
                    if (b == '"')
                    {
                        state = STRING_IN_STRUCTURE;
                    }
                    else if (b == '{' || b == '[')
                    {
                        if (++depth > MAX_DEPTH)
                        {
                            reset();
                            return TOO_DEEP;
                        }
                    }
                    else if ((b == '}' || b == ']') && --depth == 0)
                    {
                        return complete(start, pos);
                    }
                    break;
                default: // LITERAL: ends just before the first delimiter
                    if (b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == '{' || b == '[' || b == '"' ||
                        b == '}' || b == ']' || b == ',' || b == ':')
                    {
                        return complete(start, pos);
                    }
                    pos++;
                    break;
            }
        }
        scanned = pos - start;
        if (scanned > maxFrameSize)
        {
            reset();
            return TOO_LONG;
        }
        return NEED_MORE;
    }

    /** Forgets any partial frame. */
    public void reset()
    {
        state = START;
        depth = 0;
        scanned = 0;
    }

    private int complete(final int start, final int end)
    {
        reset();
        final int length = end - start;
        return length > maxFrameSize ? TOO_LONG : length;
    }

    /** A quote inside a string is escaped when an odd run of backslashes precedes it (the opening quote stops it). */
    private static boolean isEscaped(final ByteBuf in, final int quote)
    {
        int backslashes = 0;
        for (int i = quote - 1; in.getByte(i) == '\\'; i--)
        {
            backslashes++;
        }
        return (backslashes & 1) == 1;
    }
}
