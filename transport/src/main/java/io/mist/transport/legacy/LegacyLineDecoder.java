package io.mist.transport.legacy;

import io.mist.codec.Command;
import io.mist.codec.MistFrame;
import io.mist.transport.ClientConnection;
import io.mist.transport.FrameOutcome;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Reads mist's pre-1.0 text protocol from a TCP stream, one command per line: {@code ping}, {@code list},
 * {@code subscribe a,b}, {@code unsubscribe a,b}, {@code publish a,b data with spaces}. Each line becomes the same
 * engine request a JSON frame would; errors are mist 0.x's ({@code error Unknown command 'x'}, {@code error Incorrect
 * number of arguments for 'x'}). A trailing carriage return is ignored, blank lines are skipped. A line longer than
 * the frame limit is answered with an error and the connection closed. A line the inbound ring has no room for stays
 * in the input until there is. One per legacy connection; its event loop only.
 */
public final class LegacyLineDecoder
{
    private final int maxLineLength;
    private final MistFrame frame = new MistFrame();
    private byte[] scratch = new byte[256];
    private boolean closing;

    public LegacyLineDecoder(final int maxLineLength)
    {
        this.maxLineLength = maxLineLength;
    }

    /**
     * Decodes every whole line in {@code in} and hands it to {@code connection}; leaves a partial line in place.
     *
     * @return false when a line waits for room in the inbound ring (it is left in place, and what follows it).
     */
    public boolean decode(final ByteBuf in, final ClientConnection connection)
    {
        while (in.isReadable() && !closing)
        {
            final int start = in.readerIndex();
            final int newline = in.indexOf(start, in.writerIndex(), (byte)'\n');
            if (newline < 0)
            {
                if (in.readableBytes() > maxLineLength)
                {
                    frame.clear(Command.UNKNOWN);
                    if (connection.reject(frame, "line exceeds the maximum frame size of " + maxLineLength + " bytes",
                        true) == FrameOutcome.BLOCKED)
                    {
                        return false;
                    }
                    closing = true;
                }
                break;
            }
            int end = newline;
            if (end > start && in.getByte(end - 1) == '\r')
            {
                end--;
            }
            FrameOutcome outcome = FrameOutcome.ACCEPTED;
            if (end - start > maxLineLength)
            {
                frame.clear(Command.UNKNOWN);
                outcome = connection.reject(frame, "line exceeds the maximum frame size of " + maxLineLength +
                    " bytes", false);
            }
            else if (end > start)
            {
                outcome = handleLine(in, start, end, connection);
            }
            if (outcome == FrameOutcome.BLOCKED)
            {
                return false;
            }
            in.readerIndex(newline + 1);
        }
        if (closing)
        {
            in.skipBytes(in.readableBytes());
        }
        return true;
    }

    private FrameOutcome handleLine(final ByteBuf in, final int start, final int end, final ClientConnection connection)
    {
        // As mist 0.x: split into at most three parts on single spaces; the third keeps its spaces.
        final int space1 = in.indexOf(start, end, (byte)' ');
        final int commandEnd = space1 < 0 ? end : space1;
        final int space2 = space1 < 0 ? -1 : in.indexOf(space1 + 1, end, (byte)' ');
        final int args = space1 < 0 ? 0 : space2 < 0 ? 1 : 2;
        frame.clear(scratch(in, start, commandEnd), 0, commandEnd - start);
        final Command command = frame.command();
        final int expected = expectedArguments(command);
        if (expected < 0)
        {
            return refuse(in, start, commandEnd, "Unknown command '", connection);
        }
        if (args != expected)
        {
            return refuse(in, start, commandEnd, "Incorrect number of arguments for '", connection);
        }
        switch (command)
        {
            case LIST:
            case PING:
                frame.clear(command);
                break;
            default:
                frame.clear(command);
                final int tagsEnd = space2 < 0 ? end : space2;
                addTags(in, space1 + 1, tagsEnd);
                if (command == Command.PUBLISH)
                {
                    final byte[] bytes = scratch(in, space2 + 1, end);
                    frame.setData(bytes, 0, end - space2 - 1);
                }
                break;
        }
        final FrameOutcome outcome = connection.handle(frame);
        frame.trim(64 * 1024);
        return outcome;
    }

    /** Tags separated by ',' as mist 0.x split them (an empty part is an empty tag). */
    private void addTags(final ByteBuf in, final int from, final int to)
    {
        final byte[] bytes = scratch(in, from, to);
        int tagStart = 0;
        final int length = to - from;
        for (int i = 0; i <= length; i++)
        {
            if (i == length || bytes[i] == ',')
            {
                frame.addTag(bytes, tagStart, i - tagStart);
                tagStart = i + 1;
            }
        }
    }

    private byte[] scratch(final ByteBuf in, final int from, final int to)
    {
        final int length = to - from;
        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        in.getBytes(from, scratch, 0, length);
        return scratch;
    }

    /** Error reply for the command in {@link #frame}; allocates, but only for a refused line. */
    private FrameOutcome refuse(final ByteBuf in, final int start, final int end, final String error,
        final ClientConnection connection)
    {
        return connection.reject(frame, error + in.toString(start, end - start, StandardCharsets.UTF_8) + "'", false);
    }

    /** Arguments each mist 0.x command takes, or -1 for a command that protocol does not have. */
    private static int expectedArguments(final Command command)
    {
        switch (command)
        {
            case PING:
            case LIST:
                return 0;
            case SUBSCRIBE:
            case UNSUBSCRIBE:
                return 1;
            case PUBLISH:
                return 2;
            default:
                return -1;
        }
    }
}
