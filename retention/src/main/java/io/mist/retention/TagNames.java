package io.mist.retention;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The names of recently seen tags, so that a message's tags become Strings without a new String per tag per message:
 * a small open-addressed table from UTF-8 bytes to the String made for them (a miss replaces what was there).
 * Retention thread only.
 */
final class TagNames
{
    private static final int SLOTS = 1024;

    private final byte[][] keys = new byte[SLOTS][];
    private final String[] names = new String[SLOTS];

    /** The tag {@code bytes[offset, offset + length)} as a String; the same String while it stays in the table. */
    String name(final byte[] bytes, final int offset, final int length)
    {
        int hash = 1;
        for (int i = offset; i < offset + length; i++)
        {
            hash = 31 * hash + bytes[i];
        }
        final int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        final byte[] key = keys[slot];
        if (key != null && Arrays.equals(key, 0, key.length, bytes, offset, offset + length))
        {
            return names[slot];
        }
        final String name = new String(bytes, offset, length, StandardCharsets.UTF_8);
        keys[slot] = Arrays.copyOfRange(bytes, offset, offset + length);
        names[slot] = name;
        return name;
    }
}
