package io.mist.codec;

/**
 * Parses one complete frame (as found by {@link JsonFrameScanner}) into a {@link MistFrame} with mist's field
 * rules, which are Go's {@code encoding/json} rules: member names match case-insensitively, unknown members are
 * skipped (and validated), the last duplicate wins, a top-level {@code null} is an empty message, and a member of
 * the wrong type is an error. Strings are decoded by {@link JsonStringDecoder} straight from the frame bytes.
 * Allocation-free on valid input. Owned by the IO thread of one connection.
 */
public final class MistFrameParser
{
    static final int OTHER = 0;
    static final int COMMAND = 1;
    static final int TAGS = 2;
    static final int DATA = 3;
    static final int ERROR = 4;
    static final int SINCE = 5;
    static final int ID = 6;
    private static final byte[][] MEMBER_NAMES = { null, "command".getBytes(), "tags".getBytes(), "data".getBytes(),
        "error".getBytes(), "since".getBytes(), "id".getBytes() };

    private final JsonCursor cursor = new JsonCursor();
    private final GrowableBytes scratch = new GrowableBytes(32);

    /** Parses {@code frame[0, length)}; on error {@code out} holds whatever was read before the error. */
    public void parse(final byte[] frame, final int length, final MistFrame out) throws FrameException
    {
        out.reset();
        if (wireFormPublish(frame, 0, length, out) == length)
        {
            return;
        }
        out.reset();
        cursor.reset(frame, length);
        try
        {
            byte token = cursor.next();
            if (token == 'n')
            {
                cursor.expectRest("ull", "null");
                requireEnd();
                return;
            }
            if (token != '{')
            {
                throw new FrameException("invalid message: expected a JSON object");
            }
            token = cursor.next();
            if (token != '}')
            {
                while (true)
                {
                    if (token != '"')
                    {
                        throw new FrameException("invalid JSON: expected a member name");
                    }
                    int member = exactMember();
                    if (member < 0)
                    {
                        scratch.clear();
                        readString(scratch);
                        member = memberOf(scratch.array(), scratch.length());
                    }
                    if (cursor.next() != ':')
                    {
                        throw new FrameException("invalid JSON: expected ':' after a member name");
                    }
                    readValue(member, cursor.next(), out);
                    token = cursor.next();
                    if (token == '}')
                    {
                        break;
                    }
                    if (token != ',' || (token = cursor.next()) != '"')
                    {
                        throw new FrameException("invalid JSON: expected ',' and a member name, or '}'");
                    }
                }
            }
            requireEnd();
        }
        finally
        {
            out.resolveCommand();
        }
    }

    /** How a publish in mist's output form begins; {@link #wireFormPublish} reads the rest. */
    private static final byte[] WIRE_PREFIX = "{\"command\":\"publish\",\"tags\":[\"".getBytes(
        java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] WIRE_DATA = ",\"data\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PUBLISH = "publish".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** A byte array read eight bytes at a time, for comparing the fixed parts of the output form. */
    private static final java.lang.invoke.VarHandle WORDS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long[] WIRE_PREFIX_WORDS = words(WIRE_PREFIX);
    private static final long[] WIRE_DATA_WORDS = words(WIRE_DATA);

    /** {@code pattern} (8 bytes or more) as the words {@link #startsWith} compares: every 8 bytes, then the last 8. */
    private static long[] words(final byte[] pattern)
    {
        final int full = (pattern.length - 1) / 8;
        final long[] words = new long[full + 1];
        for (int k = 0; k < full; k++)
        {
            words[k] = (long)WORDS.get(pattern, k * 8);
        }
        words[full] = (long)WORDS.get(pattern, pattern.length - 8);
        return words;
    }

    /**
     * Whether {@code bytes[at, at + length)} holds the pattern of {@code length} bytes that {@code words} were made of
     * ({@link #words}); the caller has checked that the bytes are there. A few word comparisons: cheaper than
     * {@code Arrays.equals} on a range for these 30 and 9 bytes, which the one-pass reader compares on every publish.
     */
    private static boolean startsWith(final byte[] bytes, final int at, final long[] words, final int length)
    {
        final int last = words.length - 1;
        for (int k = 0; k < last; k++)
        {
            if ((long)WORDS.get(bytes, at + k * 8) != words[k])
            {
                return false;
            }
        }
        return (long)WORDS.get(bytes, at + length - 8) == words[last];
    }

    /**
     * {@link #parseWireLine}'s answer when the bytes up to {@code limit} are a publish in mist's output form cut short
     * before its closing brace: once more input has arrived, the same line may be read in one pass.
     */
    public static final int INCOMPLETE = -2;

    /**
     * A line at {@code bytes[offset]} that is a publish in mist's output form, read in one pass (see
     * {@link #wireFormPublish}), when a newline follows it before {@code limit}.
     *
     * @return the frame's length (without the newline), with {@code out} filled; {@link #INCOMPLETE} when the bytes
     *     end inside such a publish; or -1, {@code out} undefined, when the line is anything else (the general path
     *     decides, as it does for a publish complete at {@code limit} with no newline after it yet).
     */
    public int parseWireLine(final byte[] bytes, final int offset, final int limit, final MistFrame out)
    {
        out.reset();
        final int end = wireFormPublish(bytes, offset, limit, out);
        if (end == INCOMPLETE)
        {
            return INCOMPLETE;
        }
        if (end < 0 || end >= limit || bytes[end] != '\n')
        {
            return -1;
        }
        return end - offset;
    }

    /**
     * The common case in one pass: a publish laid out as mist's output form (as mist's clients send it), with every
     * tag and the data made of bytes that need neither decoding nor escaping, data not empty. Fills {@code out} as the
     * general path would, the data left in place; when the tags are in delivery order (byte-wise, as mist sorts
     * them) the bytes are exactly what mist delivers and become the frame's {@link MistFrame#wireForm()}. Tags in
     * another order (as clients send a publish's tags in their own order) are encoded again, sorted, by the engine.
     *
     * @return the index just after the closing brace; {@link #INCOMPLETE} when {@code limit} comes first and every
     *     byte before it is as the output form has it; -1 at the first byte that differs ({@code out} then holds part
     *     of the frame: the caller resets it before the general path decides).
     */
    private static int wireFormPublish(final byte[] frame, final int offset, final int limit, final MistFrame out)
    {
        if (limit - offset <= WIRE_PREFIX.length)
        {
            return cutShort(frame, offset, limit, WIRE_PREFIX);
        }
        if (!startsWith(frame, offset, WIRE_PREFIX_WORDS, WIRE_PREFIX.length))
        {
            return -1;
        }
        final GrowableBytes tags = out.tagSink();
        int i = offset + WIRE_PREFIX.length;
        int previous = -1;
        boolean sorted = true;
        while (true)
        {
            final int start = i;
            i = MistJsonWriter.plainRun(frame, i, limit);
            if (i + 1 >= limit)
            {
                return i == limit || frame[i] == '"' ? INCOMPLETE : -1;
            }
            if (frame[i] != '"')
            {
                return -1;
            }
            final int at = tags.length();
            tags.put(frame, start, i - start);
            out.endTag(at);
            if (sorted && previous >= 0 &&
                java.util.Arrays.compareUnsigned(frame, previous, start - 3, frame, start, i) > 0)
            {
                sorted = false; // delivered tags are in order; these are not yet
            }
            previous = start;
            i++;
            if (frame[i] == ']')
            {
                break;
            }
            if (frame[i] != ',')
            {
                return -1;
            }
            if (i + 1 >= limit)
            {
                return INCOMPLETE;
            }
            if (frame[i + 1] != '"')
            {
                return -1;
            }
            i += 2;
        }
        i++;
        if (limit - i < WIRE_DATA.length + 3)
        {
            return cutShort(frame, i, limit, WIRE_DATA);
        }
        if (!startsWith(frame, i, WIRE_DATA_WORDS, WIRE_DATA.length))
        {
            return -1;
        }
        i += WIRE_DATA.length;
        final int data = i;
        i = MistJsonWriter.plainRun(frame, i, limit);
        if (i + 1 >= limit)
        {
            return i == limit || (frame[i] == '"' && i > data) ? INCOMPLETE : -1;
        }
        if (i == data || frame[i] != '"' || frame[i + 1] != '}')
        {
            return -1; // empty data is left out of a delivery
        }
        out.publish(PUBLISH);
        out.dataInPlace(frame, data, i - data); // copied only if someone asks, or as part of the wire form
        out.dataPlain(true);
        if (sorted)
        {
            out.wireForm(frame, offset, i + 2 - offset);
        }
        return i + 2;
    }

    /**
     * Input that ends at {@code limit} before a fixed part of the output form ({@code pattern}, from {@code at}) is
     * complete: {@link #INCOMPLETE} if the bytes there are its beginning (or the pattern whole, with the rest of the
     * frame still to come), else -1.
     */
    private static int cutShort(final byte[] frame, final int at, final int limit, final byte[] pattern)
    {
        final int length = Math.min(limit - at, pattern.length);
        return java.util.Arrays.equals(frame, at, at + length, pattern, 0, length) ? INCOMPLETE : -1;
    }

    private void requireEnd() throws FrameException
    {
        if (!cursor.atEnd())
        {
            throw new FrameException("invalid JSON: unexpected data after the message");
        }
    }

    /**
     * The member whose name, after the opening quote just read, is spelled exactly as mist writes it (as every mist
     * client sends it): the name is then taken without decoding or case folding, and the cursor moves past its
     * closing quote. Else -1 and the cursor stays; the general path decides (other case, escapes, unknown names).
     */
    private int exactMember()
    {
        final byte[] src = cursor.bytes();
        final int start = cursor.position();
        if (start >= cursor.limit())
        {
            return -1;
        }
        final int member;
        switch (src[start])
        {
            case 'c':
                member = COMMAND;
                break;
            case 't':
                member = TAGS;
                break;
            case 'd':
                member = DATA;
                break;
            default:
                return -1;
        }
        final byte[] name = MEMBER_NAMES[member];
        final int end = start + name.length;
        if (end >= cursor.limit() || src[end] != '"' ||
            !java.util.Arrays.equals(src, start, end, name, 0, name.length))
        {
            return -1;
        }
        cursor.moveTo(end + 1);
        return member;
    }

    /** Decodes the string whose opening quote was just read, appending it to {@code sink}. */
    private void readString(final GrowableBytes sink) throws FrameException
    {
        cursor.moveTo(JsonStringDecoder.decode(cursor.bytes(), cursor.position() - 1, cursor.limit(), sink));
    }

    /**
     * {@link #readString} for a string that is usually plain (a payload): when every byte up to the closing quote is
     * one {@link MistJsonWriter} writes as it is, the bytes are copied in one go and true is returned, so the encoder
     * can copy them out again without escaping. Otherwise the string is decoded as any other.
     */
    private boolean readPlainString(final GrowableBytes sink) throws FrameException
    {
        final byte[] src = cursor.bytes();
        final int start = cursor.position();
        final int limit = cursor.limit();
        final int end = MistJsonWriter.plainRun(src, start, limit);
        if (end < limit && src[end] == '"')
        {
            sink.put(src, start, end - start);
            cursor.moveTo(end + 1);
            return true;
        }
        readString(sink);
        return false;
    }

    private void readValue(final int member, final byte token, final MistFrame out) throws FrameException
    {
        if (token == 'n')
        {
            // As Go: null leaves a string member unchanged and empties a slice.
            cursor.expectRest("ull", "null");
            if (member == TAGS)
            {
                out.clearTags();
            }
            return;
        }
        switch (member)
        {
            case COMMAND:
                requireString(token, "command");
                out.commandSink().clear();
                readString(out.commandSink());
                break;
            case DATA:
                requireString(token, "data");
                out.dataSink().clear();
                out.dataPlain(readPlainString(out.dataSink()));
                break;
            case ERROR:
                requireString(token, "error");
                out.errorSink().clear();
                readString(out.errorSink());
                break;
            case TAGS:
                readTags(token, out);
                break;
            case SINCE:
                out.since(readId(token, "since"));
                break;
            case ID:
                // A delivery's id, as clients read it; mist never had the member, so anything else is skipped as
                // mist skips an unknown member.
                if (token >= '0' && token <= '9')
                {
                    final int start = cursor.position();
                    try
                    {
                        out.id(readId(token, "id"));
                        break;
                    }
                    catch (final FrameException notAnId)
                    {
                        cursor.moveTo(start);
                    }
                }
                skipValue(token, 1);
                break;
            default:
                skipValue(token, 1);
                break;
        }
    }

    /** A message id: an integer of 0 or more ({@code since} of a subscribe, {@code id} of a delivery). */
    private long readId(final byte token, final String member) throws FrameException
    {
        final int start = cursor.position() - 1;
        if (token < '0' || token > '9')
        {
            throw wrongType(token, "'" + member + "' must be a message id (an integer, 0 or more)");
        }
        skipNumber(start);
        final byte[] b = cursor.bytes();
        long id = 0;
        for (int i = start; i < cursor.position(); i++)
        {
            if (b[i] < '0' || b[i] > '9' || id > (Long.MAX_VALUE - 9) / 10)
            {
                throw new FrameException("invalid message: '" + member + "' must be a message id (an integer, 0 " +
                    "or more)");
            }
            id = id * 10 + (b[i] - '0');
        }
        return id;
    }

    private static void requireString(final byte token, final String member) throws FrameException
    {
        if (token != '"')
        {
            throw wrongType(token, "'" + member + "' must be a string");
        }
    }

    private void readTags(final byte token, final MistFrame out) throws FrameException
    {
        if (token != '[')
        {
            throw wrongType(token, "'tags' must be an array of strings");
        }
        out.clearTags();
        byte next = cursor.next();
        if (next == ']')
        {
            return;
        }
        final GrowableBytes sink = out.tagSink();
        while (true)
        {
            final int start = sink.length();
            if (next == '"')
            {
                readString(sink);
            }
            else if (next == 'n')
            {
                cursor.expectRest("ull", "null"); // Go leaves a null element as the empty string
            }
            else
            {
                throw wrongType(next, "'tags' must be an array of strings");
            }
            out.endTag(start);
            next = cursor.next();
            if (next == ']')
            {
                return;
            }
            if (next != ',')
            {
                throw new FrameException("invalid JSON: expected ',' or ']' in 'tags'");
            }
            next = cursor.next();
        }
    }

    /** Skips (and validates) an unknown member's value. Depth is bounded by the frame scanner as well. */
    private void skipValue(final byte token, final int depth) throws FrameException
    {
        if (depth > JsonFrameScanner.MAX_DEPTH)
        {
            throw new FrameException("invalid message: nested deeper than " + JsonFrameScanner.MAX_DEPTH + " levels");
        }
        switch (token)
        {
            case '"':
                scratch.clear();
                readString(scratch);
                return;
            case 't':
                cursor.expectRest("rue", "true");
                return;
            case 'f':
                cursor.expectRest("alse", "false");
                return;
            case 'n':
                cursor.expectRest("ull", "null");
                return;
            case '{':
                skipObject(depth);
                return;
            case '[':
                skipArray(depth);
                return;
            default:
                if (token == '-' || (token >= '0' && token <= '9'))
                {
                    skipNumber(cursor.position() - 1);
                    return;
                }
                throw new FrameException("invalid JSON: unexpected character '" + (char)token + "'");
        }
    }

    private void skipObject(final int depth) throws FrameException
    {
        byte token = cursor.next();
        if (token == '}')
        {
            return;
        }
        while (true)
        {
            if (token != '"')
            {
                throw new FrameException("invalid JSON: expected a member name");
            }
            scratch.clear();
            readString(scratch);
            if (cursor.next() != ':')
            {
                throw new FrameException("invalid JSON: expected ':' after a member name");
            }
            skipValue(cursor.next(), depth + 1);
            token = cursor.next();
            if (token == '}')
            {
                return;
            }
            if (token != ',')
            {
                throw new FrameException("invalid JSON: expected ',' or '}'");
            }
            token = cursor.next();
        }
    }

    private void skipArray(final int depth) throws FrameException
    {
        byte token = cursor.next();
        if (token == ']')
        {
            return;
        }
        while (true)
        {
            skipValue(token, depth + 1);
            token = cursor.next();
            if (token == ']')
            {
                return;
            }
            if (token != ',')
            {
                throw new FrameException("invalid JSON: expected ',' or ']'");
            }
            token = cursor.next();
        }
    }

    /** JSON number grammar from {@code start}; leaves the cursor after the number. */
    private void skipNumber(final int start) throws FrameException
    {
        final byte[] b = cursor.bytes();
        final int limit = cursor.limit();
        int i = start;
        if (b[i] == '-')
        {
            i++;
        }
        if (i < limit && b[i] == '0')
        {
            i++;
        }
        else
        {
            i = digits(b, i, limit);
        }
        if (i < limit && b[i] == '.')
        {
            i = digits(b, i + 1, limit);
        }
        if (i < limit && (b[i] == 'e' || b[i] == 'E'))
        {
            i++;
            if (i < limit && (b[i] == '+' || b[i] == '-'))
            {
                i++;
            }
            i = digits(b, i, limit);
        }
        if (i < limit && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\r' &&
            b[i] != '\n')
        {
            throw new FrameException("invalid JSON: malformed number");
        }
        cursor.moveTo(i);
    }

    private static int digits(final byte[] b, final int from, final int limit) throws FrameException
    {
        int i = from;
        while (i < limit && b[i] >= '0' && b[i] <= '9')
        {
            i++;
        }
        if (i == from)
        {
            throw new FrameException("invalid JSON: malformed number");
        }
        return i;
    }

    /** A value of the wrong type, or no JSON value at all where one should start. */
    private static FrameException wrongType(final byte token, final String expectation)
    {
        final boolean valueStart = token == '"' || token == '{' || token == '[' || token == 't' || token == 'f' ||
            token == 'n' || token == '-' || (token >= '0' && token <= '9');
        return new FrameException(valueStart ? "invalid message: " + expectation :
            "invalid JSON: unexpected character '" + (char)token + "'");
    }

    /** Matches a member name the way Go's encoding/json does: ASCII case folding, plus U+017F for 's'. */
    static int memberOf(final byte[] name, final int length)
    {
        for (int member = COMMAND; member <= ID; member++)
        {
            if (foldEquals(MEMBER_NAMES[member], name, length))
            {
                return member;
            }
        }
        return OTHER;
    }

    private static boolean foldEquals(final byte[] target, final byte[] name, final int length)
    {
        int i = 0;
        for (final byte expected : target)
        {
            if (i >= length)
            {
                return false;
            }
            final byte b = name[i];
            if ((b | 0x20) == expected)
            {
                i++;
            }
            else if (expected == 's' && b == (byte)0xC5 && i + 1 < length && name[i + 1] == (byte)0xBF)
            {
                i += 2; // U+017F LATIN SMALL LETTER LONG S folds to 's'
            }
            else
            {
                return false;
            }
        }
        return i == length;
    }
}
