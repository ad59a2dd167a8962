package io.mist.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Subscription semantics end to end over real sockets: mist's core/proxy_test.go, core/mist_test.go and
 * clients/clients_test.go cases (spec §9), the §3.3 table, and per-connection order.
 */
class TcpSubscriptionTest
{
    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws Exception
    {
        fixture = new ServerFixture();
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    private static String subscribe(final String... tags)
    {
        return "{\"command\":\"subscribe\",\"tags\":" + array(tags) + "}";
    }

    private static String unsubscribe(final String... tags)
    {
        return "{\"command\":\"unsubscribe\",\"tags\":" + array(tags) + "}";
    }

    private static String publish(final String data, final String... tags)
    {
        return "{\"command\":\"publish\",\"tags\":" + array(tags) + ",\"data\":\"" + data + "\"}";
    }

    private static String delivery(final String data, final String... sortedTags)
    {
        return "{\"command\":\"publish\",\"tags\":" + array(sortedTags) + ",\"data\":\"" + data + "\"}";
    }

    private static String array(final String... tags)
    {
        final StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < tags.length; i++)
        {
            b.append(i == 0 ? "" : ",").append('"').append(tags[i]).append('"');
        }
        return b.append(']').toString();
    }

    @Test
    void sameSubscriberDoesNotReceiveItsOwnPublish() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send(subscribe("same"));
            c.send(publish("test", "same"));
            c.expectNothing();
        }
    }

    @Test
    void differentSubscriberReceivesUntilItUnsubscribes() throws IOException
    {
        try (TestClient receiver = fixture.connect(); TestClient sender = fixture.connect())
        {
            receiver.send(subscribe("diff"));
            receiver.sync();
            sender.send(publish("test", "diff"));
            receiver.expect(delivery("test", "diff"));
            receiver.send(unsubscribe("diff"));
            receiver.sync();
            sender.send(publish("test", "diff"));
            sender.sync();
            receiver.expectSilenceFor(200);
        }
    }

    @Test
    void manySubscribersEachReceiveOneCopy() throws IOException
    {
        try (TestClient a = fixture.connect(); TestClient b = fixture.connect(); TestClient c = fixture.connect();
            TestClient sender = fixture.connect())
        {
            for (final TestClient r : new TestClient[] { a, b, c })
            {
                r.send(subscribe("many"));
                r.sync();
            }
            sender.send(publish("m", "many"));
            for (final TestClient r : new TestClient[] { a, b, c })
            {
                r.expect(delivery("m", "many"));
                r.send(unsubscribe("many"));
                r.sync();
            }
            sender.send(publish("m2", "many"));
            sender.sync();
            for (final TestClient r : new TestClient[] { a, b, c })
            {
                r.expectSilenceFor(100);
            }
        }
    }

    @Test
    void listShowsEverySubscriptionOnceSinglesFirst() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send(subscribe("a"));
            c.send("{\"command\":\"list\"}");
            c.expect("{\"command\":\"list\",\"data\":\"a\"}");
            c.send(subscribe("b"));
            c.send("{\"command\":\"list\"}");
            c.expect("{\"command\":\"list\",\"data\":\"ab\"}");
            c.send(subscribe("a", "b"));
            c.send(subscribe("b", "a"));
            c.send("{\"command\":\"list\"}");
            c.expect("{\"command\":\"list\",\"data\":\"aba,b\"}");
        }
    }

    @Test
    void tagsDecideDeliveryOneCopyPerMessage() throws IOException
    {
        try (TestClient r = fixture.connect(); TestClient s = fixture.connect())
        {
            r.send(subscribe("ta"));
            r.sync();
            s.send(publish("1", "ta"));
            r.expect(delivery("1", "ta"));
            r.send(subscribe("ta", "tb"));
            r.sync();
            s.send(publish("2", "ta", "tb"));
            r.expect(delivery("2", "ta", "tb"));
            s.send(publish("3", "tb", "ta"));
            r.expect(delivery("3", "ta", "tb"));
            r.send(unsubscribe("ta"));
            r.sync();
            s.send(publish("4", "ta"));
            s.sync();
            r.expectSilenceFor(150);
            r.send(unsubscribe("tb", "ta"));
            r.sync();
            s.send(publish("5", "ta", "tb"));
            s.sync();
            r.expectSilenceFor(150);
        }
    }

    @Test
    void publishFromAThirdConnectionReachesBothSubscribers() throws IOException
    {
        try (TestClient a = fixture.connect(); TestClient b = fixture.connect(); TestClient p = fixture.connect())
        {
            a.send(subscribe("pub"));
            a.sync();
            b.send(subscribe("pub"));
            b.sync();
            p.send(publish("hi", "pub"));
            a.expect(delivery("hi", "pub"));
            b.expect(delivery("hi", "pub"));
        }
    }

    @Test
    void deliveredTagsAreSortedAndKeepDuplicates() throws IOException
    {
        try (TestClient r = fixture.connect(); TestClient s = fixture.connect())
        {
            r.send(subscribe("sa"));
            r.sync();
            s.send(publish("hello", "z", "sb", "sa", "sb"));
            r.expect(delivery("hello", "sa", "sb", "sb", "z"));
            // Larger than a read, and than the 4 KiB from which payloads borrow pooled arrays.
            final String large = "0123456789abcdef".repeat(5000);
            s.send(publish(large, "z", "sa"));
            r.expect(delivery(large, "sa", "z"));
            s.send("{\"command\":\"publish\",\"tags\":[\"sa\"]}");
            r.expect("{\"command\":\"publish\",\"tags\":[\"sa\"]}");
        }
    }

    @Test
    void subsetRuleDeliversWhatMistsTrieMissed() throws IOException
    {
        try (TestClient r1 = fixture.connect(); TestClient r2 = fixture.connect(); TestClient r3 = fixture.connect();
            TestClient r4 = fixture.connect(); TestClient s = fixture.connect())
        {
            r1.send(subscribe("q-b", "q-c"));
            r1.send(subscribe("q-a", "q-x"));
            r1.sync();
            r2.send(subscribe("q-a", "q-b", "q-x"));
            r2.send(subscribe("q-a", "q-c", "q-d"));
            r2.sync();
            r3.send(subscribe("q-a", "q-b", "q-e"));
            r3.send(subscribe("q-c"));
            r3.sync();
            r4.send(subscribe("q-a", "q-b"));
            r4.send(subscribe("q-c", "q-d"));
            r4.sync();

            s.send(publish("1", "q-a", "q-b", "q-c"));
            r1.expect(delivery("1", "q-a", "q-b", "q-c"));
            r3.expect(delivery("1", "q-a", "q-b", "q-c"));
            r4.expect(delivery("1", "q-a", "q-b", "q-c"));
            s.send(publish("2", "q-a", "q-b", "q-c", "q-d"));
            r2.expect(delivery("2", "q-a", "q-b", "q-c", "q-d"));
            r3.expect(delivery("2", "q-a", "q-b", "q-c", "q-d"));
            r4.expect(delivery("2", "q-a", "q-b", "q-c", "q-d"));
            r1.expect(delivery("2", "q-a", "q-b", "q-c", "q-d"));
            s.send(publish("3", "q-b", "q-c"));
            r1.expect(delivery("3", "q-b", "q-c"));
            r3.expect(delivery("3", "q-b", "q-c"));
            s.sync();
            r2.expectSilenceFor(100);
            r4.expectSilenceFor(100);
        }
    }

    @Test
    void listallAndWhoReportTagsAndCounts() throws Exception
    {
        try (ServerFixture own = new ServerFixture(); TestClient a = own.connect(); TestClient b = own.connect())
        {
            a.send(subscribe("c"));
            a.send(subscribe("b", "a"));
            a.sync();
            b.send("{\"command\":\"listall\",\"tags\":[\"echo\"]}");
            b.expect("{\"command\":\"listall\",\"tags\":[\"echo\"],\"data\":\"a b c\"}");
            b.send("{\"command\":\"who\"}");
            b.expect("{\"command\":\"who\",\"data\":\"Lifetime  connections: 2\\nSubscribers connected: 1\"}");
            a.send(unsubscribe("c"));
            a.send(unsubscribe("a", "b"));
            a.sync();
            b.send("{\"command\":\"listall\"}");
            b.expect("{\"command\":\"listall\"}");
            b.send("{\"command\":\"who\"}");
            b.expect("{\"command\":\"who\",\"data\":\"Lifetime  connections: 2\\nSubscribers connected: 0\"}");
        }
    }

    @Test
    void disconnectForgetsSubscriptions() throws Exception
    {
        try (ServerFixture own = new ServerFixture(); TestClient observer = own.connect())
        {
            try (TestClient gone = own.connect())
            {
                gone.send(subscribe("gone"));
                gone.sync();
            }
            for (int i = 0; i < 50; i++)
            {
                observer.send("{\"command\":\"listall\"}");
                if (observer.read().equals("{\"command\":\"listall\"}"))
                {
                    assertEquals(0, own.server.engine().counters().subscriptions.get());
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("subscriptions of a closed connection were not removed");
        }
    }

    @Test
    void clientWithTokenOnAnOpenServerStillWorks() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send("{\"command\":\"auth\",\"data\":\"hil\"}");
            c.send("{\"command\":\"ping\"}");
            c.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
            c.send(subscribe("cl"));
            c.send("{\"command\":\"list\"}");
            c.expect("{\"command\":\"list\",\"data\":\"cl\"}");
            c.send(publish("self", "cl"));
            c.send("{\"command\":\"list\"}");
            c.expect("{\"command\":\"list\",\"data\":\"cl\"}"); // no delivery of its own publish came first
            c.send(unsubscribe("cl"));
            c.send("{\"command\":\"list\"}");
            c.expect("{\"command\":\"list\"}");
        }
    }

    @Test
    void messagesFromOnePublisherArriveInOrder() throws IOException
    {
        try (TestClient r = fixture.connect(); TestClient s = fixture.connect())
        {
            r.send(subscribe("fifo"));
            r.sync();
            final StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 2000; i++)
            {
                burst.append(publish(Integer.toString(i), "fifo")).append('\n');
            }
            s.sendRaw(burst.toString());
            for (int i = 0; i < 2000; i++)
            {
                r.expect(delivery(Integer.toString(i), "fifo"));
            }
        }
    }

    @Test
    void repliesKeepTheirPlaceAmongDeliveries() throws IOException
    {
        try (TestClient r = fixture.connect(); TestClient s = fixture.connect())
        {
            r.send(subscribe("ord"));
            r.sync();
            s.send(publish("before", "ord"));
            s.sync(); // the matcher has queued "before" for r
            r.send("{\"command\":\"ping\"}");
            r.expect(delivery("before", "ord"));
            r.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
        }
    }
}
