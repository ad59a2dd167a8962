package io.mist.engine.match;

import io.mist.engine.session.ClientSession;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mist's core/subscription_test.go and core/proxy_test.go cases, and the spec's §3.3 table, against the index. */
class SubscriptionIndexTest
{
    private final IndexHarness h = new IndexHarness();
    private final ClientSession client = h.client();

    @Test
    void freshIndexHoldsNothing()
    {
        assertEquals(0, h.index.size());
        assertEquals(0, client.subscriptions().size());
    }

    @Test
    void addThenRemoveSimple()
    {
        h.subscribe(client, "a");
        assertEquals(1, h.index.size());
        h.unsubscribe(client, "a");
        assertEquals(0, h.index.size());
    }

    @Test
    void removeIsOrderInsensitive()
    {
        h.subscribe(client, "a", "b", "c");
        h.unsubscribe(client, "c", "b", "a");
        assertEquals(0, h.index.size());
    }

    @Test
    void removingSubsetsOrSupersetsChangesNothing()
    {
        h.subscribe(client, "a", "b", "c");
        for (final String[] other : new String[][] { { "a" }, { "b" }, { "c" }, { "a", "b" }, { "b", "c" },
            { "a", "c" }, { "b", "c", "d" }, { "a", "b", "c", "d" } })
        {
            assertFalse(h.unsubscribe(client, other));
        }
        assertEquals(1, h.index.size());
    }

    @Test
    void sameSetIsStoredOnceWithoutReferenceCount()
    {
        assertTrue(h.subscribe(client, "a", "b", "c"));
        assertFalse(h.subscribe(client, "c", "a", "b"));
        assertFalse(h.subscribe(client, "b", "c", "a"));
        assertEquals(1, h.index.size());
        assertTrue(h.unsubscribe(client, "a", "b", "c"));
        assertEquals(0, h.index.size());
        assertFalse(h.unsubscribe(client, "b", "a", "c"), "removing twice is harmless");
    }

    @Test
    void duplicateTagsInASubscriptionAreOneTag()
    {
        assertTrue(h.subscribe(client, "a", "a"));
        assertFalse(h.subscribe(client, "a"));
        assertTrue(h.matches(client, "a"));
    }

    @Test
    void exactSetsMatch()
    {
        h.subscribe(client, "a");
        assertTrue(h.matches(client, "a"));
        final ClientSession ab = h.client();
        h.subscribe(ab, "a", "b");
        assertTrue(h.matches(ab, "a", "b"));
        final ClientSession abc = h.client();
        h.subscribe(abc, "a", "b", "c");
        assertTrue(h.matches(abc, "a", "b", "c"));
        assertTrue(h.matches(abc, "c", "b", "a"));
    }

    @Test
    void subscriptionMatchesSupersetMessages()
    {
        h.subscribe(client, "onefish");
        assertTrue(h.matches(client, "onefish"));
        assertTrue(h.matches(client, "onefish", "twofish"));
        assertTrue(h.matches(client, "onefish", "twofish", "redfish"));
        final ClientSession two = h.client();
        h.subscribe(two, "onefish", "twofish");
        assertFalse(h.matches(two, "onefish"));
    }

    @Test
    void subsetMessagesDoNotMatch()
    {
        h.subscribe(client, "a", "b", "c");
        assertFalse(h.matches(client, "a"));
        assertFalse(h.matches(client, "a", "b"));
        assertFalse(h.matches(client, "b", "c"));
        assertFalse(h.matches(client, "a", "c"));
    }

    /** Spec §3.3: Go's trie misses the first two rows; the subset rule delivers them. */
    @Test
    void trieFalseNegativesAreDelivered()
    {
        final ClientSession first = h.client();
        h.subscribe(first, "b", "c");
        h.subscribe(first, "a", "x");
        assertTrue(h.matches(first, "a", "b", "c"));

        final ClientSession second = h.client();
        h.subscribe(second, "a", "b", "x");
        h.subscribe(second, "a", "c", "d");
        assertTrue(h.matches(second, "a", "b", "c", "d"));
    }

    @Test
    void trieTrueResultsAreKept()
    {
        final ClientSession third = h.client();
        h.subscribe(third, "a", "b", "e");
        h.subscribe(third, "c");
        assertTrue(h.matches(third, "a", "b", "c", "d"));

        final ClientSession fourth = h.client();
        h.subscribe(fourth, "a", "b");
        h.subscribe(fourth, "c", "d");
        assertFalse(h.matches(fourth, "b", "c"));
    }

    @Test
    void publisherNeverReceivesItsOwnMessage()
    {
        h.subscribe(client, "a");
        assertEquals(Set.of(), h.publish(client, "a"));
        final ClientSession other = h.client();
        assertEquals(Set.of(client), h.publish(other, "a"));
    }

    @Test
    void clientGetsOneCopyWhenSeveralSubscriptionsMatch()
    {
        h.subscribe(client, "a");
        h.subscribe(client, "a", "b");
        h.subscribe(client, "b");
        assertEquals(Set.of(client), h.publish(null, "a", "b")); // the harness fails on a second copy
    }

    @Test
    void manySubscribersEachReceiveUntilTheyUnsubscribe()
    {
        final ClientSession a = h.client();
        final ClientSession b = h.client();
        final ClientSession c = h.client();
        for (final ClientSession s : new ClientSession[] { a, b, c })
        {
            h.subscribe(s, "a");
        }
        assertEquals(Set.of(a, b, c), h.publish(null, "a"));
        h.unsubscribe(a, "a");
        assertEquals(Set.of(b, c), h.publish(null, "a"));
        h.unsubscribe(b, "a");
        h.unsubscribe(c, "a");
        assertEquals(Set.of(), h.publish(null, "a"));
    }

    @Test
    void unsubscribeRemovesOnlyTheExactSet()
    {
        h.subscribe(client, "a");
        h.subscribe(client, "a", "b");
        h.unsubscribe(client, "a");
        assertFalse(h.matches(client, "a"));
        assertTrue(h.matches(client, "b", "a"));
        h.unsubscribe(client, "b", "a");
        assertFalse(h.matches(client, "a", "b"));
    }

    @Test
    void removeAllForgetsEveryTagOfTheClient()
    {
        h.subscribe(client, "a");
        h.subscribe(client, "x", "y");
        final ClientSession other = h.client();
        h.subscribe(other, "x");
        assertEquals(2, h.index.removeAll(client));
        assertEquals(1, h.index.size());
        assertFalse(h.matches(client, "a", "x", "y"));
        final int[] a = h.ids("a");
        final int[] x = h.ids("x");
        final int[] y = h.ids("y");
        assertFalse(h.index.isInUse(a[0]));
        assertTrue(h.index.isInUse(x[0]));
        assertFalse(h.index.isInUse(y[0]));
    }

    @Test
    void subscriptionOfManyTagsNeedsEveryOne()
    {
        h.subscribe(client, "a", "b", "c", "d", "e", "f");
        assertFalse(h.matches(client, "a", "b", "c", "d", "e"));
        assertFalse(h.matches(client, "b", "c", "d", "e", "f", "g"));
        assertTrue(h.matches(client, "g", "f", "e", "d", "c", "b", "a"));
        assertTrue(h.unsubscribe(client, "f", "e", "d", "c", "b", "a"));
        assertFalse(h.matches(client, "a", "b", "c", "d", "e", "f"));
    }

    @Test
    void clientSlotsAreReusedAfterClientsLeave()
    {
        final ClientSession first = h.client();
        h.subscribe(first, "s");
        h.index.removeAll(first);
        final ClientSession second = h.client();
        h.subscribe(second, "s");
        h.subscribe(client, "s");
        assertEquals(java.util.Set.of(second, client), h.publish(null, "s"));
    }

    @Test
    void emptyStringIsAnOrdinaryTag()
    {
        h.subscribe(client, "");
        assertTrue(h.matches(client, "", "a"));
        assertFalse(h.matches(client, "a"));
    }

    @Test
    void messageWithTagsNoOneSubscribesToMatchesNothing()
    {
        h.subscribe(client, "a");
        assertEquals(Set.of(), h.publish(null, "zzz", "yyy"));
    }
}
