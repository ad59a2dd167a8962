package io.mist.engine.match;

import io.mist.engine.session.ClientSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The index against a naive model of mist's rule (a client receives a message when one of its tag sets is a subset of
 * the message's tags, never its own, at most once), over random vocabularies, clients and operation sequences,
 * including unsubscribe and disconnect.
 */
class SubscriptionIndexPropertyTest
{
    private static final int CASES = 3000;
    private static final int OPERATIONS = 150;

    @Test
    void agreesWithNaiveModel()
    {
        for (int seed = 1; seed <= CASES; seed++)
        {
            runCase(seed);
        }
    }

    /**
     * Hundreds of tags, so ids share bits of the 128-bit key filters, and a few hot tags in most subscriptions, so
     * their anchor lists grow past the size where a removal stops rebuilding the filter, then shrink back.
     */
    @Test
    void agreesWithNaiveModelWhenKeyFiltersCollideAndListsGrowLarge()
    {
        for (int seed = 1; seed <= 12; seed++)
        {
            final Random random = new Random(seed);
            final String[] vocabulary = new String[300 + random.nextInt(300)];
            for (int i = 0; i < vocabulary.length; i++)
            {
                vocabulary[i] = "t" + i;
            }
            final String[] hot = { vocabulary[0], vocabulary[1], vocabulary[2] };
            // Nine draws in ten are a hot tag.
            final String[] skewed = new String[vocabulary.length * 10];
            for (int i = 0; i < skewed.length; i++)
            {
                skewed[i] = i < vocabulary.length ? vocabulary[i] : hot[i % hot.length];
            }
            runCase(seed, random, skewed, 500, 10_000);
        }
    }

    private static void runCase(final long seed)
    {
        final Random random = new Random(seed);
        final String[] vocabulary = new String[2 + random.nextInt(12)];
        for (int i = 0; i < vocabulary.length; i++)
        {
            vocabulary[i] = random.nextInt(10) == 0 ? "" + i + "\u00e9" : "t" + i;
        }
        runCase(seed, random, vocabulary, 1 + random.nextInt(8), OPERATIONS);
    }

    /** Random operations by {@code clientCount} clients over tags drawn from {@code vocabulary}, checked each step. */
    private static void runCase(final long seed, final Random random, final String[] vocabulary,
        final int clientCount, final int operations)
    {
        final IndexHarness h = new IndexHarness();
        final List<ClientSession> clients = new ArrayList<>();
        final Map<ClientSession, Set<Set<String>>> model = new HashMap<>();
        for (int i = 0; i < clientCount; i++)
        {
            final ClientSession client = h.client();
            clients.add(client);
            model.put(client, new HashSet<>());
        }

        for (int op = 0; op < operations; op++)
        {
            final ClientSession client = clients.get(random.nextInt(clients.size()));
            final int kind = random.nextInt(10);
            final String context = "seed " + seed + ", op " + op;
            if (kind < 4)
            {
                // Up to 7 tags, so subscriptions both within and beyond the four an index entry holds inline.
                final String[] tags = draw(random, vocabulary, 1 + random.nextInt(7));
                final boolean added = h.subscribe(client, tags);
                assertEquals(model.get(client).add(Set.of(dedupe(tags))), added, context + " subscribe");
            }
            else if (kind < 6)
            {
                final String[] tags = existingOrRandom(random, model.get(client), vocabulary);
                final boolean removed = h.unsubscribe(client, tags);
                assertEquals(model.get(client).remove(Set.of(dedupe(tags))), removed, context + " unsubscribe");
            }
            else if (kind == 6)
            {
                assertEquals(model.get(client).size(), h.index.removeAll(client), context + " disconnect");
                model.get(client).clear();
            }
            else
            {
                final String[] message = message(random, model.get(clients.get(random.nextInt(clients.size()))),
                    vocabulary);
                final ClientSession publisher = random.nextBoolean() ? client : null;
                assertEquals(expected(model, publisher, message), h.publish(publisher, message), context + " publish");
            }
            assertEquals(model.values().stream().mapToInt(Set::size).sum(), h.index.size(), context + " size");
            assertEquals(model.values().stream().filter(sets -> !sets.isEmpty()).count(), h.index.clientCount(),
                context + " clients");
        }
    }

    private static Set<ClientSession> expected(final Map<ClientSession, Set<Set<String>>> model,
        final ClientSession publisher, final String[] message)
    {
        final Set<String> tags = Set.of(dedupe(message));
        final Set<ClientSession> receivers = new HashSet<>();
        model.forEach((client, sets) ->
        {
            if (client != publisher && sets.stream().anyMatch(tags::containsAll))
            {
                receivers.add(client);
            }
        });
        return receivers;
    }

    private static String[] existingOrRandom(final Random random, final Set<Set<String>> held, final String[] vocabulary)
    {
        if (!held.isEmpty() && random.nextBoolean())
        {
            final List<Set<String>> list = new ArrayList<>(held);
            final List<String> tags = new ArrayList<>(list.get(random.nextInt(list.size())));
            java.util.Collections.shuffle(tags, random);
            return tags.toArray(new String[0]);
        }
        return draw(random, vocabulary, 1 + random.nextInt(4));
    }

    /**
     * Half the time a held subscription's tags and a few more (so subscriptions of several tags are matched often
     * even among hundreds of tags), else 1–10 drawn tags.
     */
    private static String[] message(final Random random, final Set<Set<String>> held, final String[] vocabulary)
    {
        if (!held.isEmpty() && random.nextBoolean())
        {
            final List<String> tags = new ArrayList<>(new ArrayList<>(held).get(random.nextInt(held.size())));
            tags.addAll(List.of(draw(random, vocabulary, random.nextInt(4))));
            java.util.Collections.shuffle(tags, random);
            return tags.toArray(new String[0]);
        }
        return draw(random, vocabulary, 1 + random.nextInt(10));
    }

    /** Tags drawn with repetition, so messages and subscriptions may name a tag twice. */
    private static String[] draw(final Random random, final String[] vocabulary, final int count)
    {
        final String[] tags = new String[count];
        for (int i = 0; i < count; i++)
        {
            tags[i] = vocabulary[random.nextInt(vocabulary.length)];
        }
        return tags;
    }

    private static String[] dedupe(final String[] tags)
    {
        return new HashSet<>(List.of(tags)).toArray(new String[0]);
    }
}
