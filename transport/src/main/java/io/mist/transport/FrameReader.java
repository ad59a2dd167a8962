package io.mist.transport;

import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.netty.buffer.ByteBuf;

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

    private final MistFrameParser parser = new MistFrameParser();
    private final MistFrame frame = new MistFrame();
    private final GrowableBytes bytes = new GrowableBytes(512);

    /**
     * Reads {@code length} bytes of {@code in} (from its reader index, which moves past them unless the frame is
     * {@link FrameOutcome#BLOCKED}) as one frame.
     */
    public FrameOutcome read(final ByteBuf in, final int length, final ClientConnection connection)
    {
        FrameOutcome outcome;
        bytes.clear();
        bytes.ensureSpare(length + 1);
        in.getBytes(in.readerIndex(), bytes.array(), 0, length);
        try
        {
            parser.parse(bytes.array(), length, frame);
            outcome = connection.handle(frame);
        }
        catch (final FrameException ex)
        {
            outcome = connection.malformed(frame, ex.getMessage());
        }
        if (outcome != FrameOutcome.BLOCKED)
        {
            in.skipBytes(length);
        }
        // Two comparisons when nothing is oversized; gives back what a huge frame (or one of thousands of tags) grew.
        bytes.shrinkIfLargerThan(RETAINED_SCRATCH, 512);
        frame.trim(RETAINED_SCRATCH);
        return outcome;
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
        bytes.clear();
        bytes.ensureSpare(length + 1);
        in.getBytes(in.readerIndex(), bytes.array(), 0, length);
        try
        {
            parser.parse(bytes.array(), length, frame);
        }
        catch (final FrameException notOneMessage)
        {
            return null;
        }
        final FrameOutcome outcome = connection.handle(frame);
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
