package io.mist.bench;

import io.mist.engine.match.SubscriptionIndex;
import io.mist.engine.session.ClientSession;
import io.mist.engine.tag.TagTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Random;

/**
 * The matcher's selection alone: one message (1–8 tags from a vocabulary of 10,000) against K subscriptions of 1–4
 * tags held by K/100 clients, with no ring and no socket. Reports messages matched per second.
 */
@State(Scope.Thread)
public class MatcherBenchmark extends DataPathBenchmark
{
    @Param({ "1000", "100000", "1000000" })
    public int subscriptions;

    private static final int VOCABULARY = 10_000;

    private final SubscriptionIndex index = new SubscriptionIndex();
    private int[][] messages;
    private int next;
    private Blackhole blackhole;
    private final SubscriptionIndex.MatchSink sink = session -> blackhole.consume(session);

    @Setup
    public void setUp(final Blackhole blackhole)
    {
        this.blackhole = blackhole;
        final Random random = new Random(7);
        final TagTable table = new TagTable();
        final int[] vocabulary = new int[VOCABULARY];
        for (int i = 0; i < VOCABULARY; i++)
        {
            vocabulary[i] = Workload.intern(table, Workload.tag(i));
        }
        final ClientSession[] clients = Workload.clients(Math.max(1, subscriptions / 100));
        int added = 0;
        while (added < subscriptions)
        {
            final int[] set = Workload.tagSet(random, vocabulary, 4);
            if (index.add(clients[random.nextInt(clients.length)], set, set.length))
            {
                added++;
            }
        }
        messages = new int[Workload.MESSAGES][];
        for (int i = 0; i < messages.length; i++)
        {
            messages[i] = Workload.tagSet(random, vocabulary, 8);
        }
    }

    @Benchmark
    public int match()
    {
        final int[] message = messages[next++ & (Workload.MESSAGES - 1)];
        return index.match(message, message.length, null, sink);
    }
}
