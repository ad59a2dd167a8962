package io.mist.codec;

/**
 * One decoded request: its command, tags and data as UTF-8 bytes in reusable scratch space.
 * Filled by {@link MistFrameParser}; valid until the next parse. Owned by the IO thread of one connection.
 */
public final class MistFrame
{
    private static final int INITIAL_TAGS = 8;
    private static final int RETAINED_TAGS = 1024;

    private Command command = Command.UNKNOWN;
    private final GrowableBytes commandName = new GrowableBytes(16);
    private final GrowableBytes tagBytes = new GrowableBytes(64);
    private int[] tagOffsets = new int[INITIAL_TAGS];
    private int[] tagLengths = new int[INITIAL_TAGS];
    private int tagCount;
    private final GrowableBytes data = new GrowableBytes(64);

    void reset()
    {
        command = Command.UNKNOWN;
        commandName.clear();
        clearTags();
        data.clear();
    }

    void clearTags()
    {
        tagBytes.clear();
        tagCount = 0;
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
        return data;
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

    public byte[] dataBytes()
    {
        return data.array();
    }

    public int dataLength()
    {
        return data.length();
    }

    /** Lets a huge frame's scratch space go once handled, so one big message does not pin memory per connection. */
    public void trim(final int retainLimit)
    {
        tagBytes.shrinkIfLargerThan(retainLimit, 64);
        data.shrinkIfLargerThan(retainLimit, 64);
        if (tagOffsets.length > RETAINED_TAGS)
        {
            tagOffsets = new int[INITIAL_TAGS];
            tagLengths = new int[INITIAL_TAGS];
        }
        tagCount = 0;
    }
}
