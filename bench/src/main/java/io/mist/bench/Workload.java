package io.mist.bench;

import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.session.ClientSession;
import io.mist.engine.tag.TagTable;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Random but reproducible workloads for the benchmarks: a vocabulary of tags, clients holding subscriptions of 1–4
 * tags, and messages of 1–8 tags, drawn with a fixed seed.
 */
final class Workload
{
    static final int MESSAGES = 4096;

    private Workload()
    {
    }

    static String tag(final int i)
    {
        return "tag-" + i;
    }

    static int intern(final TagTable table, final String tag)
    {
        final byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
        return table.intern(bytes, 0, bytes.length);
    }

    static ClientSession[] clients(final int count)
    {
        final ClientSession[] clients = new ClientSession[count];
        for (int i = 0; i < count; i++)
        {
            clients[i] = new ClientSession(i + 1, new OutboundRing(4096), () -> { });
        }
        return clients;
    }

    /** Distinct sorted tag ids, 1 to {@code maxTags} of them, from {@code vocabulary}. */
    static int[] tagSet(final Random random, final int[] vocabulary, final int maxTags)
    {
        final int n = 1 + random.nextInt(maxTags);
        final java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
        while (set.size() < n)
        {
            set.add(vocabulary[random.nextInt(vocabulary.length)]);
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }
}
