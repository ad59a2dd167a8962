package io.mist.engine.match;

import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.session.ClientSession;
import io.mist.engine.tag.TagTable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/** Drives a {@link SubscriptionIndex} with tag names, as the dispatcher would (sorted, de-duplicated, interned). */
final class IndexHarness
{
    final TagTable tags = new TagTable();
    final SubscriptionIndex index = new SubscriptionIndex();
    private long nextId;

    ClientSession client()
    {
        return new ClientSession(++nextId, new OutboundRing(4096), () -> { });
    }

    int[] ids(final String... names)
    {
        final TreeSet<String> sorted = new TreeSet<>(Arrays.asList(names));
        return sorted.stream().mapToInt(n ->
        {
            final byte[] b = n.getBytes(StandardCharsets.UTF_8);
            return tags.intern(b, 0, b.length);
        }).toArray();
    }

    boolean subscribe(final ClientSession client, final String... names)
    {
        final int[] ids = ids(names);
        return index.add(client, ids, ids.length);
    }

    boolean unsubscribe(final ClientSession client, final String... names)
    {
        final int[] ids = ids(names);
        return index.remove(client, ids, ids.length);
    }

    Set<ClientSession> publish(final ClientSession publisher, final String... names)
    {
        final Set<ClientSession> receivers = new HashSet<>();
        final int[] ids = ids(names);
        index.match(ids, ids.length, publisher, session ->
        {
            if (!receivers.add(session))
            {
                throw new AssertionError("delivered twice to " + session);
            }
        });
        return receivers;
    }

    boolean matches(final ClientSession client, final String... message)
    {
        return publish(null, message).contains(client);
    }
}
