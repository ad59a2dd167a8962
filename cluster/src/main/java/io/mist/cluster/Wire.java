package io.mist.cluster;

import io.mist.codec.GrowableBytes;
import io.mist.codec.MistJsonWriter;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The nodes' interest messages on NATS, in mist's own JSON message format: {@code command} says what (a delta
 * {@code add} or {@code remove}, a full {@code snapshot}, a {@code beat} that only says the node is alive, a
 * {@code sync} request), {@code tags} holds the tags, and {@code data} is {@code "<node id> <sequence>"}: every
 * delta bumps the node's sequence, so a receiver that misses one notices and asks for a snapshot. Publishes travel
 * as the encoded frame the subscribers receive. Stateless.
 */
final class Wire
{
    static final String ADD = "add";
    static final String REMOVE = "remove";
    static final String SNAPSHOT = "snapshot";
    static final String BEAT = "beat";
    static final String SYNC = "sync";

    private Wire()
    {
    }

    /** One interest message; allocates (interest changes are rare next to messages). */
    static byte[] encode(final String command, final Collection<byte[]> tags, final String node, final long sequence)
    {
        final GrowableBytes out = new GrowableBytes(64 + tags.size() * 16);
        final byte[] name = command.getBytes(StandardCharsets.US_ASCII);
        MistJsonWriter.openCommand(out, name, 0, name.length);
        if (!tags.isEmpty())
        {
            MistJsonWriter.openTags(out);
            boolean first = true;
            for (final byte[] tag : tags)
            {
                MistJsonWriter.arrayElement(out, first, tag, 0, tag.length);
                first = false;
            }
            MistJsonWriter.closeArray(out);
        }
        final byte[] data = (node + " " + sequence).getBytes(StandardCharsets.US_ASCII);
        MistJsonWriter.data(out, data, 0, data.length);
        MistJsonWriter.close(out);
        return java.util.Arrays.copyOf(out.array(), out.length());
    }
}
