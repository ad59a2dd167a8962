package io.mist.codec;

import com.dslplatform.json.DslJson;
import com.dslplatform.json.JsonReader;

import java.io.IOException;

/**
 * Benchmark baseline only, not shipped: the first frame parser, which walked the frame with dsl-json's
 * {@code JsonReader}. dsl-json cannot move past a string that {@link JsonStringDecoder} has already decoded, so every
 * string is stepped through a second time; {@code DecodeBenchmark} compares this parser with {@link MistFrameParser}
 * to show why the codec walks frames with its own cursor.
 */
public final class DslJsonFrameParser
{
    private static final int COMMAND = MistFrameParser.COMMAND;
    private static final int TAGS = MistFrameParser.TAGS;
    private static final int DATA = MistFrameParser.DATA;
    private static final int ERROR = MistFrameParser.ERROR;

    private final JsonReader<Object> reader = new DslJson<Object>(
        new DslJson.Settings<Object>().errorInfo(JsonReader.ErrorInfo.DESCRIPTION_AND_POSITION)).newReader();
    private final GrowableBytes scratch = new GrowableBytes(32);

    /** Parses {@code frame[0, length)}; on error {@code out} holds whatever was read before the error. */
    public void parse(final byte[] frame, final int length, final MistFrame out) throws FrameException
    {
        out.reset();
        try
        {
            reader.process(frame, length);
            byte token = reader.getNextToken();
            if (token == 'n' && isNullLiteral(frame, reader.getCurrentIndex() - 1, length))
            {
                return;
            }
            if (token != '{')
            {
                throw new FrameException("invalid message: expected a JSON object");
            }
            token = reader.getNextToken();
            while (token != '}')
            {
                if (token != '"')
                {
                    throw new FrameException("invalid JSON: expected a member name");
                }
                scratch.clear();
                JsonStringDecoder.decode(frame, reader.getCurrentIndex() - 1, length, scratch);
                final int member = MistFrameParser.memberOf(scratch.array(), scratch.length());
                if (skipDecodedString() != ':')
                {
                    throw new FrameException("invalid JSON: expected ':' after a member name");
                }
                token = readValue(member, reader.getNextToken(), frame, length, out);
                if (token == ',')
                {
                    token = reader.getNextToken();
                    if (token != '"')
                    {
                        throw new FrameException("invalid JSON: expected a member name after ','");
                    }
                }
                else if (token != '}')
                {
                    throw new FrameException("invalid JSON: expected ',' or '}'");
                }
            }
        }
        catch (final FrameException ex)
        {
            throw ex;
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new FrameException("invalid JSON: " + ex.getMessage());
        }
        finally
        {
            out.resolveCommand();
        }
    }

    private byte readValue(final int member, final byte token, final byte[] frame, final int length, final MistFrame out)
        throws IOException, FrameException
    {
        if (token == 'n' && reader.wasNull())
        {
            // As Go: null leaves a string member unchanged and empties a slice.
            if (member == TAGS)
            {
                out.clearTags();
            }
            return reader.getNextToken();
        }
        switch (member)
        {
            case COMMAND:
                out.commandSink().clear();
                return readString(token, frame, length, out.commandSink(), "command");
            case DATA:
                out.dataSink().clear();
                return readString(token, frame, length, out.dataSink(), "data");
            case ERROR:
                scratch.clear();
                return readString(token, frame, length, scratch, "error");
            case TAGS:
                return readTags(token, frame, length, out);
            default:
                return skipValue(token, frame, length);
        }
    }

    /**
     * Skips an unknown member's value, validating it: dsl-json's own skip accepts any bytes up to a delimiter where a
     * number should be, so numbers and strings are checked here. Depth is bounded by the frame scanner.
     */
    private byte skipValue(final byte token, final byte[] frame, final int length) throws IOException, FrameException
    {
        switch (token)
        {
            case '"':
                scratch.clear();
                JsonStringDecoder.decode(frame, reader.getCurrentIndex() - 1, length, scratch);
                return skipDecodedString();
            case 't':
            case 'f':
            case 'n':
                return reader.skip(); // dsl-json checks the literal
            case '{':
                return skipObject(frame, length);
            case '[':
                return skipArray(frame, length);
            default:
                if (token == '-' || (token >= '0' && token <= '9'))
                {
                    final int start = reader.getCurrentIndex() - 1;
                    final byte next = reader.skip(); // stops at the ',', '}' or ']' after the number
                    checkNumber(frame, start, reader.getCurrentIndex() - 1);
                    return next;
                }
                throw new FrameException("invalid JSON: unexpected character '" + (char)token + "'");
        }
    }

    private byte skipObject(final byte[] frame, final int length) throws IOException, FrameException
    {
        byte token = reader.getNextToken();
        if (token == '}')
        {
            return reader.getNextToken();
        }
        while (true)
        {
            if (token != '"')
            {
                throw new FrameException("invalid JSON: expected a member name");
            }
            if (reader.skip() != ':')
            {
                throw new FrameException("invalid JSON: expected ':' after a member name");
            }
            token = skipValue(reader.getNextToken(), frame, length);
            if (token == '}')
            {
                return reader.getNextToken();
            }
            if (token != ',')
            {
                throw new FrameException("invalid JSON: expected ',' or '}'");
            }
            token = reader.getNextToken();
        }
    }

    private byte skipArray(final byte[] frame, final int length) throws IOException, FrameException
    {
        byte token = reader.getNextToken();
        if (token == ']')
        {
            return reader.getNextToken();
        }
        while (true)
        {
            token = skipValue(token, frame, length);
            if (token == ']')
            {
                return reader.getNextToken();
            }
            if (token != ',')
            {
                throw new FrameException("invalid JSON: expected ',' or ']'");
            }
            token = reader.getNextToken();
        }
    }

    /** JSON number grammar over {@code frame[start, end)}, trailing whitespace allowed. */
    private static void checkNumber(final byte[] frame, final int start, final int end) throws FrameException
    {
        int i = start;
        int stop = end;
        while (stop > i && (frame[stop - 1] == ' ' || frame[stop - 1] == '\t' || frame[stop - 1] == '\r' ||
            frame[stop - 1] == '\n'))
        {
            stop--;
        }
        if (i < stop && frame[i] == '-')
        {
            i++;
        }
        if (i < stop && frame[i] == '0')
        {
            i++;
        }
        else
        {
            i = digits(frame, i, stop, true);
        }
        if (i < stop && frame[i] == '.')
        {
            i = digits(frame, i + 1, stop, true);
        }
        if (i < stop && (frame[i] == 'e' || frame[i] == 'E'))
        {
            i++;
            if (i < stop && (frame[i] == '+' || frame[i] == '-'))
            {
                i++;
            }
            i = digits(frame, i, stop, true);
        }
        if (i != stop)
        {
            throw new FrameException("invalid JSON: malformed number");
        }
    }

    private static int digits(final byte[] frame, final int from, final int stop, final boolean required)
        throws FrameException
    {
        int i = from;
        while (i < stop && frame[i] >= '0' && frame[i] <= '9')
        {
            i++;
        }
        if (required && i == from)
        {
            throw new FrameException("invalid JSON: malformed number");
        }
        return i;
    }

    private byte readString(final byte token, final byte[] frame, final int length, final GrowableBytes sink,
        final String member) throws IOException, FrameException
    {
        if (token != '"')
        {
            throw wrongType(token, "'" + member + "' must be a string");
        }
        JsonStringDecoder.decode(frame, reader.getCurrentIndex() - 1, length, sink);
        return skipDecodedString();
    }

    private byte readTags(final byte token, final byte[] frame, final int length, final MistFrame out)
        throws IOException, FrameException
    {
        if (token != '[')
        {
            throw wrongType(token, "'tags' must be an array of strings");
        }
        out.clearTags();
        byte next = reader.getNextToken();
        if (next == ']')
        {
            return reader.getNextToken();
        }
        final GrowableBytes sink = out.tagSink();
        while (true)
        {
            final int start = sink.length();
            if (next == '"')
            {
                JsonStringDecoder.decode(frame, reader.getCurrentIndex() - 1, length, sink);
                next = skipDecodedString();
            }
            else if (next == 'n' && reader.wasNull())
            {
                next = reader.getNextToken(); // Go leaves a null element as the empty string
            }
            else
            {
                throw wrongType(next, "'tags' must be an array of strings");
            }
            out.endTag(start);
            if (next == ']')
            {
                return reader.getNextToken();
            }
            if (next != ',')
            {
                throw new FrameException("invalid JSON: expected ',' or ']' in 'tags'");
            }
            next = reader.getNextToken();
        }
    }

    /**
     * Moves the reader past a string that {@link JsonStringDecoder} has just decoded (and so validated) and returns
     * the next token. dsl-json's {@code calcHash} runs to the closing quote in a tight loop, where {@code skip} reads
     * the string one checked byte at a time.
     */
    private byte skipDecodedString() throws IOException
    {
        reader.calcHash();
        return reader.getNextToken();
    }

    /** A value of the wrong type, or no JSON value at all where one should start. */
    private static FrameException wrongType(final byte token, final String expectation)
    {
        final boolean valueStart = token == '"' || token == '{' || token == '[' || token == 't' || token == 'f' ||
            token == 'n' || token == '-' || (token >= '0' && token <= '9');
        return new FrameException(valueStart ? "invalid message: " + expectation :
            "invalid JSON: unexpected character '" + (char)token + "'");
    }

    private static boolean isNullLiteral(final byte[] frame, final int at, final int length)
    {
        if (at + 4 > length || frame[at + 1] != 'u' || frame[at + 2] != 'l' || frame[at + 3] != 'l')
        {
            return false;
        }
        for (int i = at + 4; i < length; i++)
        {
            final byte b = frame[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n')
            {
                return false;
            }
        }
        return true;
    }
}
