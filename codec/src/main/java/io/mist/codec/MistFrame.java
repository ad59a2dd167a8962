package io.mist.codec;

/**
 * One decoded message: its command, tags, data and error as UTF-8 bytes in reusable scratch space.
 * Filled by {@link MistFrameParser}, or built with {@link #clear(Command)}, {@link #addTag} and {@link #setData} by a
 * transport that does not speak JSON (legacy text lines, HTTP parameters); valid until the next fill. Owned by the IO
 * thread of one connection.
 */
public final class MistFrame
{
    private long since = -1;
    private long id = -1;
    private static final int INITIAL_TAGS = 8;
    private static final int RETAINED_TAGS = 1024;

    private Command command = Command.UNKNOWN;
    private final GrowableBytes commandName = new GrowableBytes(16);
    private final GrowableBytes tagBytes = new GrowableBytes(64);
    private int[] tagOffsets = new int[INITIAL_TAGS];
    private int[] tagLengths = new int[INITIAL_TAGS];
    private int tagCount;
    private final GrowableBytes data = new GrowableBytes(64);
    /**
     * The data while it is only in the parsed bytes (a publish in mist's output form, see {@link #wireForm()}, which
     * is delivered without it): copied into {@link #data} only if asked for. Null when {@link #data} holds it.
     */
    private byte[] dataSource;
    private int dataSourceOffset;
    private int dataSourceLength;
    /** The data is printable ASCII that mist's output writes as it is: no byte of it needs escaping. */
    private boolean dataPlain;
    private final GrowableBytes error = new GrowableBytes(16);
    /** The parsed bytes, when they are exactly what mist delivers for this frame; else null. */
    private byte[] wireForm;
    private int wireFormOffset;
    private int wireFormLength;

    void reset()
    {
        wireForm = null;
        dataSource = null;
        since = -1;
        id = -1;
        command = Command.UNKNOWN;
        commandName.clear();
        clearTags();
        data.clear();
        dataPlain = false;
        error.clear();
    }

    /**
     * A subscribe's {@code since}: replay the kept messages from this message id on (mist for the JVM's own member;
     * mist ignores it); -1 when absent.
     */
    public long since()
    {
        return since;
    }

    /** A delivery's {@code id} (its number on the server, for a client that asked for a replay); -1 when absent. */
    public long id()
    {
        return id;
    }

    public void id(final long value)
    {
        changed();
        id = value;
    }

    /** Sets {@link #since} (-1: none). */
    public void since(final long id)
    {
        changed();
        since = id;
    }

    /** Empties the frame and sets its command, for building one without JSON. */
    public void clear(final Command command)
    {
        reset();
        final byte[] name = command.wireBytes();
        commandName.put(name, 0, name.length);
        this.command = command;
    }

    /** Empties the frame and sets its command from the name as sent (unknown names included). */
    public void clear(final byte[] name, final int offset, final int length)
    {
        reset();
        JsonStringDecoder.appendSanitized(name, offset, length, commandName);
        resolveCommand();
    }

    /** Appends one tag given as UTF-8 bytes; ill-formed sequences become U+FFFD as in a JSON string. */
    public void addTag(final byte[] src, final int offset, final int length)
    {
        changed();
        final int start = tagBytes.length();
        JsonStringDecoder.appendSanitized(src, offset, length, tagBytes);
        endTag(start);
    }

    /** Sets the data from UTF-8 bytes; ill-formed sequences become U+FFFD as in a JSON string. */
    public void setData(final byte[] src, final int offset, final int length)
    {
        wireForm = null;
        dataSource = null;
        data.clear();
        dataPlain = false;
        JsonStringDecoder.appendSanitized(src, offset, length, data);
    }

    /**
     * Whether every byte of the data is one that {@link MistJsonWriter} writes unescaped (printable ASCII other than
     * {@code " \ < > &}), so it can be copied into an output frame as it is. False when unknown.
     */
    public boolean dataPlain()
    {
        return dataPlain;
    }

    void dataPlain(final boolean plain)
    {
        dataPlain = plain;
    }

    void clearTags()
    {
        tagBytes.clear();
        tagCount = 0;
    }

    /** Makes this a {@code publish} without looking its name up ({@code name}: the command's bytes as sent). */
    void publish(final byte[] name)
    {
        commandName.put(name, 0, name.length);
        command = Command.PUBLISH;
    }

    void resolveCommand()
    {
        command = Command.of(commandName.array(), 0, commandName.length());
    }

    GrowableBytes commandSink()
    {
        return commandName;
    }

    GrowableBytes dataSink()
    {
        dataSource = null;
        return data;
    }

    GrowableBytes errorSink()
    {
        return error;
    }

    GrowableBytes tagSink()
    {
        return tagBytes;
    }

    /** Records that the tag sink grew by one tag starting at {@code offset}. */
    void endTag(final int offset)
    {
        if (tagCount == tagOffsets.length)
        {
            tagOffsets = java.util.Arrays.copyOf(tagOffsets, tagCount << 1);
            tagLengths = java.util.Arrays.copyOf(tagLengths, tagCount << 1);
        }
        tagOffsets[tagCount] = offset;
        tagLengths[tagCount] = tagBytes.length() - offset;
        tagCount++;
    }

    public Command command()
    {
        return command;
    }

    /** The command exactly as sent (for echo in the unknown-command reply). */
    public byte[] commandBytes()
    {
        return commandName.array();
    }

    public int commandLength()
    {
        return commandName.length();
    }

    public int tagCount()
    {
        return tagCount;
    }

    /** The array holding every tag's bytes; see {@link #tagOffset(int)} and {@link #tagLength(int)}. */
    public byte[] tagBytes()
    {
        return tagBytes.array();
    }

    public int tagOffset(final int index)
    {
        return tagOffsets[index];
    }

    public int tagLength(final int index)
    {
        return tagLengths[index];
    }

    /**
     * The data's bytes ({@link #dataLength()} of them). For a publish parsed in mist's output form the data is copied
     * out of the parsed bytes only here, so ask while they are valid (as for {@link #wireForm()}): before the parser's
     * input is reused.
     */
    public byte[] dataBytes()
    {
        return data().array();
    }

    /**
     * The array the data's bytes are in now, from {@link #dataOffset()}: the parsed bytes while the data was left
     * there (valid as {@link #dataBytes()} says), else the frame's own copy. Copies nothing.
     */
    public byte[] dataArray()
    {
        return dataSource != null ? dataSource : data.array();
    }

    /** Where in {@link #dataArray()} the data begins. */
    public int dataOffset()
    {
        return dataSource != null ? dataSourceOffset : 0;
    }

    public int dataLength()
    {
        return dataSource != null ? dataSourceLength : data.length();
    }

    /** The parser found the data at {@code src[offset, offset + length)}, valid as long as {@link #wireForm()}. */
    void dataInPlace(final byte[] src, final int offset, final int length)
    {
        data.clear();
        dataSource = src;
        dataSourceOffset = offset;
        dataSourceLength = length;
    }

    /** The data, copied out of the parsed bytes first if it is still only there. */
    private GrowableBytes data()
    {
        if (dataSource != null)
        {
            data.clear();
            data.put(dataSource, dataSourceOffset, dataSourceLength);
            dataSource = null;
        }
        return data;
    }

    /** The frame is no longer what it was parsed from: its data is copied out while the parsed bytes are valid. */
    private void changed()
    {
        data();
        wireForm = null;
    }

    /**
     * The bytes this frame was parsed from (without the newline), when they are exactly the frame mist delivers for
     * it: a publish in mist's own output form, {@code {"command":"publish","tags":[…],"data":"…"}}, tags in order, no
     * byte needing an escape. Then a publish is delivered as these bytes, without being encoded again. Null otherwise,
     * and once anything changed the frame. Valid until the parser's input is reused.
     */
    public byte[] wireForm()
    {
        return wireForm;
    }

    /** Where in {@link #wireForm()} the frame begins. */
    public int wireFormOffset()
    {
        return wireFormOffset;
    }

    /** How many bytes of {@link #wireForm()}, from {@link #wireFormOffset()}, are the frame. */
    public int wireFormLength()
    {
        return wireFormLength;
    }

    void wireForm(final byte[] bytes, final int offset, final int length)
    {
        wireForm = bytes;
        wireFormOffset = offset;
        wireFormLength = length;
    }

    /** The {@code error} member (replies only; a request's is ignored by the server). */
    public byte[] errorBytes()
    {
        return error.array();
    }

    public int errorLength()
    {
        return error.length();
    }

    /** Lets a huge frame's scratch space go once handled, so one big message does not pin memory per connection. */
    public void trim(final int retainLimit)
    {
        wireForm = null;
        dataSource = null;
        tagBytes.shrinkIfLargerThan(retainLimit, 64);
        data.shrinkIfLargerThan(retainLimit, 64);
        dataPlain = false;
        error.shrinkIfLargerThan(retainLimit, 16);
        if (tagOffsets.length > RETAINED_TAGS)
        {
            tagOffsets = new int[INITIAL_TAGS];
            tagLengths = new int[INITIAL_TAGS];
        }
        tagCount = 0;
    }
}
