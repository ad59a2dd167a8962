package io.mist.client;

import io.mist.codec.GrowableBytes;
import io.mist.codec.MistJsonWriter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One message from the server: a delivery ({@code publish} with tags and data) or a reply. Immutable; any thread.
 */
public final class Message
{
    private final String command;
    private final List<String> tags;
    private final String data;
    private final String error;
    private final long id;

    public Message(final String command, final List<String> tags, final String data, final String error)
    {
        this(command, tags, data, error, -1);
    }

    /** @param id the message's number on the server, for a connection that asked for a replay; -1 for none. */
    public Message(final String command, final List<String> tags, final String data, final String error,
        final long id)
    {
        this.id = id;
        this.command = command;
        this.tags = List.copyOf(tags);
        this.data = data;
        this.error = error;
    }

    public String command()
    {
        return command;
    }

    /** The tags, sorted as the server delivers them; empty when there were none. */
    public List<String> tags()
    {
        return tags;
    }

    /** The data; empty when there was none. */
    public String data()
    {
        return data;
    }

    /** The error of an error reply; empty otherwise. */
    public String error()
    {
        return error;
    }

    /**
     * The message's number on the server (mist for the JVM, once this connection subscribed with a replay:
     * {@link MistClient#subscribe(List, long)}); -1 when the server sent none.
     */
    public long id()
    {
        return id;
    }

    /** A published message delivered to this client (not a reply). */
    public boolean isDelivery()
    {
        return "publish".equals(command) && error.isEmpty();
    }

    /**
     * The message in mist's wire format: compact JSON, members in mist's order (its {@code id} last, when it has one),
     * no trailing newline.
     */
    public String toJson()
    {
        final byte[] frame = encode(command, tags, data, error);
        final String json = new String(frame, 0, frame.length - 1, StandardCharsets.UTF_8);
        return id < 0 ? json : json.substring(0, json.length() - 1) + ",\"id\":" + id + "}";
    }

    /** One frame in mist's wire format, trailing newline included; empty members are left out, as mist does. */
    static byte[] encode(final String command, final List<String> tags, final String data, final String error)
    {
        final GrowableBytes out = new GrowableBytes(64);
        final byte[] name = command.getBytes(StandardCharsets.UTF_8);
        MistJsonWriter.openCommand(out, name, 0, name.length);
        MistJsonWriter.tags(out, tags);
        if (!data.isEmpty())
        {
            final byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
            MistJsonWriter.data(out, bytes, 0, bytes.length);
        }
        if (!error.isEmpty())
        {
            MistJsonWriter.error(out, error);
        }
        MistJsonWriter.close(out);
        return Arrays.copyOf(out.array(), out.length());
    }

    @Override
    public String toString()
    {
        return "Message{command=" + command + ", tags=" + tags + ", data=" + data +
            (error.isEmpty() ? "" : ", error=" + error) + "}";
    }
}
