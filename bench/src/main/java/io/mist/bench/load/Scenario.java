package io.mist.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * What a run does: who subscribes to what, which messages are sent, and how many deliveries each must produce.
 * <ul>
 *   <li>{@link #FANOUT}: one publisher, N subscribers on one tag: each message is delivered N times;</li>
 *   <li>{@link #FANIN}: N publishers, one subscriber on one tag;</li>
 *   <li>{@link #MATCH}: K subscriptions of 1–4 tags drawn from a vocabulary of V tags, spread over N subscriber
 *   connections, and messages of 1–8 tags; a connection gets a message when one of its subscriptions is a subset of
 *   the message's tags (once, however many match). Only mist can express this.</li>
 * </ul>
 */
public enum Scenario
{
    FANOUT, FANIN, MATCH;

    /** The tag of the single-tag scenarios (a NATS subject, a Redis channel). */
    static final String TAG = "bench";
    private static final int MESSAGE_POOL = 4096;

    /** A message the publishers cycle through, and the subscriber connections (by index) it must reach. */
    public record PlannedMessage(List<String> tags, int[] receivers)
    {
        public int expectedDeliveries()
        {
            return receivers.length;
        }
    }

    /** Each subscriber connection's subscriptions, the messages to cycle through, and the number of publishers. */
    public record Plan(List<List<List<String>>> subscriptions, List<PlannedMessage> messages, int publishers)
    {
    }

    public static Scenario parse(final String name)
    {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT).replace("-", ""));
    }

    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The plan for {@code spec}; {@link #MATCH} is drawn from {@code spec.seed()} so every broker gets the same. */
    public Plan plan(final RunSpec spec)
    {
        switch (this)
        {
            case FANOUT:
                return new Plan(repeat(List.of(List.of(TAG)), spec.connections()),
                    List.of(new PlannedMessage(List.of(TAG), java.util.stream.IntStream.range(0, spec.connections())
                        .toArray())), 1);
            case FANIN:
                return new Plan(repeat(List.of(List.of(TAG)), 1), List.of(new PlannedMessage(List.of(TAG),
                    new int[] {0})), spec.connections());
            default:
                return matchPlan(spec);
        }
    }

    private static Plan matchPlan(final RunSpec spec)
    {
        final Random random = new Random(spec.seed());
        final List<List<List<String>>> subscriptions = new ArrayList<>();
        final List<java.util.Set<List<String>>> distinct = new ArrayList<>();
        for (int i = 0; i < spec.connections(); i++)
        {
            subscriptions.add(new ArrayList<>());
            distinct.add(new java.util.HashSet<>());
        }
        for (int added = 0; added < spec.subscriptions(); )
        {
            final int client = random.nextInt(spec.connections());
            final List<String> set = tagSet(random, spec.vocabulary(), 4);
            if (distinct.get(client).add(set))
            {
                subscriptions.get(client).add(set);
                added++;
            }
        }
        final List<PlannedMessage> messages = new ArrayList<>();
        for (int i = 0; i < MESSAGE_POOL; i++)
        {
            final List<String> tags = tagSet(random, spec.vocabulary(), 8);
            final List<Integer> receivers = new ArrayList<>();
            for (int client = 0; client < subscriptions.size(); client++)
            {
                for (final List<String> subscription : subscriptions.get(client))
                {
                    if (tags.containsAll(subscription))
                    {
                        receivers.add(client);
                        break;
                    }
                }
            }
            messages.add(new PlannedMessage(tags, receivers.stream().mapToInt(Integer::intValue).toArray()));
        }
        return new Plan(subscriptions, messages, 1);
    }

    /** 1 to {@code max} distinct tags of the vocabulary, sorted. */
    private static List<String> tagSet(final Random random, final int vocabulary, final int max)
    {
        final int n = Math.min(vocabulary, 1 + random.nextInt(max));
        final TreeSet<String> set = new TreeSet<>();
        while (set.size() < n)
        {
            set.add("t" + random.nextInt(vocabulary));
        }
        return List.copyOf(set);
    }

    private static List<List<List<String>>> repeat(final List<List<String>> subscriptions, final int count)
    {
        final List<List<List<String>>> all = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            all.add(subscriptions);
        }
        return all;
    }
}
