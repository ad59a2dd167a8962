package io.mist.transport;

import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Parses one JSON frame found in a connection's input and hands it to its {@link ClientConnection}, or answers the
 * client's error.
 * Holds the connection's reusable scratch (frame bytes, decoded frame); a huge frame's scratch is given back after
 * it. Allocation-free on valid input. One per connection; its event loop only.
 */
public final class FrameReader
{
    /** Scratch beyond this size is released after the frame that needed it. */
    private static final int RETAINED_SCRATCH = 64 * 1024;

    /** How much of a connection's input one copy takes for {@link #readWireLine}. */
    private static final int WINDOW_BYTES = 64 * 1024;
    /** Each IO thread's copy of the input it is reading, lent to one connection's pass at a time. */
    private static final FastThreadLocal<Window> WINDOWS = new FastThreadLocal<>()
    {
        @Override
        protected Window initialValue()
        {
            return new Window();
        }
    };

    private final MistFrameParser parser = new MistFrameParser();
    private final MistFrame frame = new MistFrame();
    private final GrowableBytes bytes = new GrowableBytes(512);
    /** The thread's window while it holds this reader's input of the current pass; else null. */
    private Window window;
    /** The input's index of the window's first byte, and just after its last. */
    private int windowStart;
    private int windowEnd;

    /** An IO thread's copy of a stretch of one connection's input. */
    private static final class Window
    {
        final GrowableBytes bytes = new GrowableBytes(WINDOW_BYTES);
        FrameReader owner;
    }

    /**
     * A new pass over the connection's input begins (the decoder may have moved or added bytes since the last): what
     * the window holds is no longer trusted.
     */
    public void newPass()
    {
        window = null;
    }

    /**
     * The most common line first, without looking for its end first: a publish in mist's output form followed by a
     * newline, read in one pass ({@link MistFrameParser#parseWireLine}) from a copy of up to 64 KiB of the input made
     * once per pass (one per IO thread), instead of a search for the newline and a copy per line.
     *
     * @param maxFrameSize the longest frame taken: a longer line is left for the general path, which refuses it.
     * @return the outcome (the reader index moved past the frame unless {@link FrameOutcome#BLOCKED}); or
     *     {@link FrameOutcome#INCOMPLETE} when the input ends inside such a publish; or null when the line at the
     *     reader index is anything else (nothing was consumed or handled in either case).
     */
    public FrameOutcome readWireLine(final ByteBuf in, final int maxFrameSize, final ClientConnection connection)
    {
        final int start = in.readerIndex();
        Window held = window;
        if (held == null || held.owner != this || start < windowStart || start >= windowEnd)
        {
            held = fillWindow(in, start);
        }
        while (true)
        {
            final int offset = start - windowStart;
            // The newline must come within the frame limit, as the general path's search for it is bounded.
            final int limit = (int)Math.min(windowEnd - windowStart, offset + (long)maxFrameSize + 1);
            final int length = parser.parseWireLine(held.bytes.array(), offset, limit, frame);
            if (length >= 0)
            {
                return done(in, length, connection.handle(frame));
            }
            if (length != MistFrameParser.INCOMPLETE || limit < windowEnd - windowStart)
            {
                return null; // another kind of line, or one longer than the frame limit
            }
            if (windowEnd == in.writerIndex())
            {
                return FrameOutcome.INCOMPLETE; // cut short by the end of the input
            }
            if (offset == 0)
            {
                return null; // longer than the window
            }
            held = fillWindow(in, start); // cut short by the end of the window: once more from the frame's start
        }
    }

    /** Copies up to {@link #WINDOW_BYTES} of the input from {@code start} into the thread's window, now this reader's. */
    private Window fillWindow(final ByteBuf in, final int start)
    {
        final Window held = WINDOWS.get();
        final int length = Math.min(in.writerIndex() - start, WINDOW_BYTES);
        held.bytes.clear();
        held.bytes.ensureSpare(length);
        in.getBytes(start, held.bytes.array(), 0, length);
        held.owner = this;
        window = held;
        windowStart = start;
        windowEnd = start + length;
        return held;
    }

    /**
     * Reads {@code length} bytes of {@code in} (from its reader index, which moves past them unless the frame is
     * {@link FrameOutcome#BLOCKED}) as one frame.
     */
    public FrameOutcome read(final ByteBuf in, final int length, final ClientConnection connection)
    {
        FrameOutcome outcome;
        copyOut(in, length);
        try
        {
            parser.parse(bytes.array(), length, frame);
            outcome = connection.handle(frame);
        }
        catch (final FrameException ex)
        {
            outcome = connection.malformed(frame, ex.getMessage());
        }
        return done(in, length, outcome);
    }

    /**
     * The common case first: reads the {@code length} bytes before a newline as one frame, when they are exactly one
     * well-formed message (mist's clients send one per line). Then no scanner needs to walk the frame before the
     * parser does. Anything else (an error, several values on the line, a value spread over lines) is left for the
     * scanner's path, which gives the same result and the proper error.
     *
     * @return the outcome (the reader index moved past the frame unless {@link FrameOutcome#BLOCKED}), or null when
     *     the line is not one whole message (nothing was consumed or handled).
     */
    public FrameOutcome readLine(final ByteBuf in, final int length, final ClientConnection connection)
    {
        copyOut(in, length);
        try
        {
            parser.parse(bytes.array(), length, frame);
        }
        catch (final FrameException notOneMessage)
        {
            return null;
        }
        return done(in, length, connection.handle(frame));
    }

    /** Copies the {@code length} bytes at the reader index into the scratch the parser reads. */
    private void copyOut(final ByteBuf in, final int length)
    {
        bytes.clear();
        bytes.ensureSpare(length + 1);
        in.getBytes(in.readerIndex(), bytes.array(), 0, length);
    }

    /**
     * After a frame of {@code length} bytes was handled: moves past it unless it must wait
     * ({@link FrameOutcome#BLOCKED}), and gives back what a huge frame (or one of thousands of tags) grew: two
     * comparisons when nothing is oversized.
     */
    private FrameOutcome done(final ByteBuf in, final int length, final FrameOutcome outcome)
    {
        if (outcome != FrameOutcome.BLOCKED)
        {
            in.skipBytes(length);
        }
        bytes.shrinkIfLargerThan(RETAINED_SCRATCH, 512);
        frame.trim(RETAINED_SCRATCH);
        return outcome;
    }

    /** An emptied frame, for an error reply to input that never became one (oversized, too deep). */
    public MistFrame emptyFrame()
    {
        frame.trim(0);
        frame.clear(io.mist.codec.Command.UNKNOWN);
        return frame;
    }
}
