package io.mist.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Finds where one JSON value ends in a TCP byte stream, as mist's streaming decoder does: values may span
 * lines, share a line, or be separated by any whitespace. It tracks only structure (nesting, strings,
 * escapes), keeps its position across reads so each byte is looked at once, and bounds frame size and depth.
 * Owned by the IO thread of one connection.
 */
public final class JsonFrameScanner implements ByteProcessor
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
    private static final int ESCAPE_IN_STRUCTURE = 3;
    private static final int TOP_STRING = 4;
    private static final int ESCAPE_IN_TOP_STRING = 5;
    private static final int LITERAL = 6;

    private static final ByteProcessor NOT_WHITESPACE = b -> b == ' ' || b == '\n' || b == '\r' || b == '\t';

    private final int maxFrameSize;
    private int state = START;
    private int depth;
    private int scanned;
    private boolean endsBeforeCurrentByte;
    private boolean tooDeep;

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
        final int readable = in.readableBytes();
        final int budget = Math.min(readable, maxFrameSize + 1) - scanned;
        if (budget > 0)
        {
            endsBeforeCurrentByte = false;
            final int stoppedAt = in.forEachByte(in.readerIndex() + scanned, budget, this);
            if (tooDeep)
            {
                reset();
                return TOO_DEEP;
            }
            if (stoppedAt >= 0)
            {
                final int length = stoppedAt - in.readerIndex() + (endsBeforeCurrentByte ? 0 : 1);
                if (length > maxFrameSize)
                {
                    reset();
                    return TOO_LONG;
                }
                reset();
                return length;
            }
            scanned += budget;
        }
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
        tooDeep = false;
    }

    @Override
    public boolean process(final byte b)
    {
        switch (state)
        {
            case START:
                if (b == '{' || b == '[')
                {
                    state = STRUCTURE;
                    depth = 1;
                }
                else if (b == '"')
                {
                    state = TOP_STRING;
                }
                else
                {
                    state = LITERAL;
                }
                return true;
            case STRUCTURE:
                if (b == '"')
                {
                    state = STRING_IN_STRUCTURE;
                }
                else if (b == '{' || b == '[')
                {
                    if (++depth > MAX_DEPTH)
                    {
                        tooDeep = true;
                        return false;
                    }
                }
                else if (b == '}' || b == ']')
                {
                    if (--depth == 0)
                    {
                        return false;
                    }
                }
                return true;
            case STRING_IN_STRUCTURE:
                if (b == '"')
                {
                    state = STRUCTURE;
                }
                else if (b == '\\')
                {
                    state = ESCAPE_IN_STRUCTURE;
                }
                return true;
            case ESCAPE_IN_STRUCTURE:
                state = STRING_IN_STRUCTURE;
                return true;
            case TOP_STRING:
                if (b == '"')
                {
                    return false;
                }
                if (b == '\\')
                {
                    state = ESCAPE_IN_TOP_STRING;
                }
                return true;
            case ESCAPE_IN_TOP_STRING:
                state = TOP_STRING;
                return true;
            default: // LITERAL: ends before the first delimiter
                if (b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == '{' || b == '[' || b == '"' || b == '}' ||
                    b == ']' || b == ',' || b == ':')
                {
                    endsBeforeCurrentByte = true;
                    return false;
                }
                return true;
        }
    }
}
