package io.mist.client;

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

    public Message(final String command, final List<String> tags, final String data, final String error)
    {
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

    /** A published message delivered to this client (not a reply). */
    public boolean isDelivery()
    {
        return "publish".equals(command) && error.isEmpty();
    }

    /** The message in mist's wire format: compact JSON, members in mist's order, no trailing newline. */
    public String toJson()
    {
        final io.mist.codec.GrowableBytes out = new io.mist.codec.GrowableBytes(64);
        final byte[] name = command.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        io.mist.codec.MistJsonWriter.openCommand(out, name, 0, name.length);
        if (!tags.isEmpty())
        {
            io.mist.codec.MistJsonWriter.openTags(out);
            for (int i = 0; i < tags.size(); i++)
            {
                final byte[] tag = tags.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                io.mist.codec.MistJsonWriter.arrayElement(out, i == 0, tag, 0, tag.length);
            }
            io.mist.codec.MistJsonWriter.closeArray(out);
        }
        if (!data.isEmpty())
        {
            final byte[] bytes = data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            io.mist.codec.MistJsonWriter.data(out, bytes, 0, bytes.length);
        }
        if (!error.isEmpty())
        {
            io.mist.codec.MistJsonWriter.error(out, error);
        }
        io.mist.codec.MistJsonWriter.close(out);
        // close() ends the frame with a newline.
        return new String(out.array(), 0, out.length() - 1, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString()
    {
        return "Message{command=" + command + ", tags=" + tags + ", data=" + data +
            (error.isEmpty() ? "" : ", error=" + error) + "}";
    }
}
