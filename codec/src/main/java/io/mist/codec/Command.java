package io.mist.codec;

import java.nio.charset.StandardCharsets;

/**
 * The commands of mist's protocol. Dispatch is by exact (case-sensitive) name, as in mist;
 * anything else is {@link #UNKNOWN}.
 */
public enum Command
{
    PING("ping"),
    SUBSCRIBE("subscribe"),
    UNSUBSCRIBE("unsubscribe"),
    PUBLISH("publish"),
    LIST("list"),
    LISTALL("listall"),
    WHO("who"),
    AUTH("auth"),
    REGISTER("register"),
    UNREGISTER("unregister"),
    SET("set"),
    UNSET("unset"),
    TAGS("tags"),
    UNKNOWN("");

    private static final Command[] KNOWN = { PING, SUBSCRIBE, UNSUBSCRIBE, PUBLISH, LIST, LISTALL, WHO, AUTH,
        REGISTER, UNREGISTER, SET, UNSET, TAGS };

    private final String wireName;
    private final byte[] wireBytes;

    Command(final String wireName)
    {
        this.wireName = wireName;
        this.wireBytes = wireName.getBytes(StandardCharsets.US_ASCII);
    }

    public String wireName()
    {
        return wireName;
    }

    /** The name as ASCII bytes; shared, never modify. */
    byte[] wireBytes()
    {
        return wireBytes;
    }

    /** True for the commands that need an authenticated admin connection. */
    public boolean isAdmin()
    {
        return this == REGISTER || this == UNREGISTER || this == SET || this == UNSET || this == TAGS;
    }

    /** Resolves decoded UTF-8 bytes to a command without allocating. */
    public static Command of(final byte[] bytes, final int offset, final int length)
    {
        for (final Command command : KNOWN)
        {
            final byte[] name = command.wireBytes;
            if (name.length == length && java.util.Arrays.equals(name, 0, length, bytes, offset, offset + length))
            {
                return command;
            }
        }
        return UNKNOWN;
    }
}
