package io.mist.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Every reply the server sends a client, in mist's JSON: the pong, error replies, the unknown-command echo, the
 * query replies ({@code list}, {@code listall}, {@code who}) and the admin replies. The one place replies are
 * encoded; {@link MistJsonWriter} writes their members. Stateless; the data path's replies allocate nothing, error
 * replies allocate their text.
 */
public final class ReplyEncoder
{
    private static final byte[] PONG = "{\"command\":\"ping\",\"data\":\"pong\"}\n".getBytes(StandardCharsets.US_ASCII);
    /** mist's answer to a command it does not have. */
    public static final String UNKNOWN_COMMAND = "Unknown Command";

    private ReplyEncoder()
    {
    }

    /** {@code {"command":"ping","data":"pong"}}. */
    public static void pong(final GrowableBytes out)
    {
        out.put(PONG, 0, PONG.length);
    }

    /** {@code {"command":"<command>","error":"<error>"}}. */
    public static void error(final GrowableBytes out, final Command command, final String error)
    {
        MistJsonWriter.openCommand(out, command);
        MistJsonWriter.error(out, error);
        MistJsonWriter.close(out);
    }

    /** An error reply naming the command as the request spelled it (also one the server does not know). */
    public static void error(final GrowableBytes out, final MistFrame request, final String error)
    {
        MistJsonWriter.openCommand(out, request.commandBytes(), 0, request.commandLength());
        MistJsonWriter.error(out, error);
        MistJsonWriter.close(out);
    }

    /** {@link #error(GrowableBytes, Command, String)} as bytes of their own, for replies sent off the data path. */
    public static byte[] error(final Command command, final String error)
    {
        final GrowableBytes out = new GrowableBytes(64 + error.length());
        error(out, command, error);
        return Arrays.copyOf(out.array(), out.length());
    }

    /** mist's {@code Unknown Command} reply; with {@code echo} (TCP) it repeats the request's tags and data. */
    public static void unknownCommand(final GrowableBytes out, final MistFrame request, final boolean echo)
    {
        MistJsonWriter.openCommand(out, request.commandBytes(), 0, request.commandLength());
        if (echo)
        {
            tagsEcho(out, request);
            if (request.dataLength() > 0)
            {
                MistJsonWriter.data(out, request.dataBytes(), 0, request.dataLength());
            }
        }
        MistJsonWriter.error(out, UNKNOWN_COMMAND);
        MistJsonWriter.close(out);
    }

    /** {@code ,"tags":[...]} with the request's tags as sent, or nothing when it had none (query replies echo it). */
    public static void tagsEcho(final GrowableBytes out, final MistFrame request)
    {
        final int n = request.tagCount();
        if (n == 0)
        {
            return;
        }
        MistJsonWriter.openTags(out);
        for (int i = 0; i < n; i++)
        {
            MistJsonWriter.arrayElement(out, i == 0, request.tagBytes(), request.tagOffset(i), request.tagLength(i));
        }
        MistJsonWriter.closeArray(out);
    }

    /**
     * A query's reply: {@code {"command":"<command>"<echo>,"data":"<data>"}}, where {@code echo} is what
     * {@link #tagsEcho} wrote for the request; empty data is omitted, as mist does.
     */
    public static void queryReply(final GrowableBytes out, final Command command, final GrowableBytes echo,
        final GrowableBytes data)
    {
        MistJsonWriter.openCommand(out, command);
        out.put(echo.array(), 0, echo.length());
        if (data.length() > 0)
        {
            MistJsonWriter.data(out, data.array(), 0, data.length());
        }
        MistJsonWriter.close(out);
    }

    /** An admin command's reply listing tags: {@code {"command":"<command>","tags":[...]}}. */
    public static byte[] tags(final Command command, final List<String> tags)
    {
        final GrowableBytes out = new GrowableBytes(64);
        MistJsonWriter.openCommand(out, command);
        MistJsonWriter.tags(out, tags);
        MistJsonWriter.close(out);
        return Arrays.copyOf(out.array(), out.length());
    }
}
