package io.mist.server;

import io.mist.cluster.ClusterOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three mist nodes joined through a real nats-server of the test's own: publishes reach every matching subscriber on
 * every node exactly once (overlapping subscriptions too), never the publisher, in order; only nodes with interest
 * receive anything, and nothing is sent when no other node is interested.
 */
class ClusterTest
{
    private NatsServerProcess nats;
    private final List<ServerFixture> nodes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception
    {
        nats = NatsServerProcess.launch();
        for (int i = 0; i < 3; i++)
        {
            nodes.add(node(nats.url()));
        }
    }

    static ServerFixture node(final String nats) throws StartupException
    {
        return new ServerFixture(new MistServer(ServerConfig.withListeners("tcp://127.0.0.1:0", "http://127.0.0.1:0")
            .withCluster(new ClusterOptions(List.of(nats), "test"))).start());
    }

    @AfterEach
    void stop() throws Exception
    {
        for (final ServerFixture node : nodes)
        {
            node.close();
        }
        nats.close();
    }

    private static void await(final String what, final LongSupplier value, final long expected) throws Exception
    {
        Eventually.await(what, value, expected, 15);
    }

    private static io.mist.cluster.ClusterCounters counters(final ServerFixture node)
    {
        return node.server.cluster().counters();
    }

    @Test
    void publishesReachEveryMatchingSubscriberOnEveryNodeOnceButNotThePublisher() throws Exception
    {
        final ServerFixture a = nodes.get(0);
        final ServerFixture b = nodes.get(1);
        final ServerFixture c = nodes.get(2);
        try (TestClient publisher = a.connect(); TestClient local = a.connect(); TestClient overlapping = b.connect();
            TestClient other = c.connect())
        {
            await("nodes known to A", () -> counters(a).peers.get(), 2);
            publisher.send("{\"command\":\"subscribe\",\"tags\":[\"a\"]}").sync();
            local.send("{\"command\":\"subscribe\",\"tags\":[\"a\"]}").sync();
            overlapping.send("{\"command\":\"subscribe\",\"tags\":[\"a\"]}");
            overlapping.send("{\"command\":\"subscribe\",\"tags\":[\"b\",\"a\"]}");
            overlapping.send("{\"command\":\"subscribe\",\"tags\":[\"b\"]}").sync();
            other.send("{\"command\":\"subscribe\",\"tags\":[\"c\"]}").sync();
            // B files its subscriptions under a and b, C under c: three tags in A's table.
            await("interest A holds", () -> counters(a).remoteInterest.get(), 3);

            publisher.send("{\"command\":\"publish\",\"tags\":[\"b\",\"a\"],\"data\":\"one\"}");
            final String delivered = "{\"command\":\"publish\",\"tags\":[\"a\",\"b\"],\"data\":\"one\"}";
            local.expect(delivered);
            overlapping.expect(delivered);
            overlapping.expectNothing(); // three matching subscriptions, one delivery
            local.expectNothing();
            publisher.expectNothing(); // never its own publish, on any node
            await("messages A sent", () -> counters(a).messagesOut.get(), 1); // only to B: C wants c
            assertEquals(0, counters(c).messagesIn.get(), "C was not sent what it cannot match");

            publisher.send("{\"command\":\"publish\",\"tags\":[\"c\",\"a\"],\"data\":\"two\"}");
            other.expect("{\"command\":\"publish\",\"tags\":[\"a\",\"c\"],\"data\":\"two\"}");
            local.expect("{\"command\":\"publish\",\"tags\":[\"a\",\"c\"],\"data\":\"two\"}");
            overlapping.expect("{\"command\":\"publish\",\"tags\":[\"a\",\"c\"],\"data\":\"two\"}");
            await("messages A sent", () -> counters(a).messagesOut.get(), 3);

            // Nobody elsewhere wants z: nothing goes to NATS.
            publisher.send("{\"command\":\"publish\",\"tags\":[\"z\"],\"data\":\"nobody\"}");
            publisher.sync();
            Thread.sleep(200);
            assertEquals(3, counters(a).messagesOut.get());

            // An HTTP publish on C reaches the TCP subscribers on A and B.
            final HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(c.uri("http") + "/publish?tags=a&data=over-http")).POST(HttpRequest.BodyPublishers
                .noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, posted.statusCode());
            final String http = "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"over-http\"}";
            publisher.expect(http);
            local.expect(http);
            overlapping.expect(http);
            assertTrue(a.server.metrics().prometheus().contains("\nmist_cluster_nodes 2\n"));
        }
    }

    @Test
    void oneConnectionsMessagesArriveInOrderOnAnotherNode() throws Exception
    {
        final ServerFixture a = nodes.get(0);
        final ServerFixture b = nodes.get(1);
        try (TestClient publisher = a.connect(); TestClient subscriber = b.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"fifo\"]}").sync();
            await("interest A holds", () -> counters(a).remoteInterest.get(), 1);
            final StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 10_000; i++)
            {
                burst.append("{\"command\":\"publish\",\"tags\":[\"fifo\"],\"data\":\"").append(i).append("\"}\n");
            }
            publisher.sendRaw(burst.toString());
            for (int i = 0; i < 10_000; i++)
            {
                subscriber.expect("{\"command\":\"publish\",\"tags\":[\"fifo\"],\"data\":\"" + i + "\"}");
            }
            assertEquals(0, counters(a).droppedOut.get());
        }
    }

    @Test
    void natsKilledAndRestartedMidStreamLosesSomeNeverDuplicatesAndResumes() throws Exception
    {
        final ServerFixture a = nodes.get(0);
        final ServerFixture b = nodes.get(1);
        try (TestClient publisher = a.connect(); TestClient subscriber = b.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"f\"]}").sync();
            await("interest A holds", () -> counters(a).remoteInterest.get(), 1);
            int next = 0;
            next = publish(publisher, next, 100);
            for (int i = 0; i < 100; i++)
            {
                subscriber.expect("{\"command\":\"publish\",\"tags\":[\"f\"],\"data\":\"" + i + "\"}");
            }

            nats.kill();
            await("A sees NATS gone", () -> a.server.cluster().connected() ? 1 : 0, 0);
            final HttpClient http = HttpClient.newHttpClient();
            final HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(a.uri("http") +
                "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "local clients are still served");
            assertTrue(health.body().startsWith("{\"status\":\"degraded\",\"reason\":\"cluster: NATS is " +
                "unreachable"), health.body());
            next = publish(publisher, next, 100);
            publisher.sync();
            await("dropped while NATS is gone", () -> counters(a).droppedOut.get() >= 100 ? 1 : 0, 1);
            subscriber.send("{\"command\":\"publish\",\"tags\":[\"local\"],\"data\":\"x\"}").sync();
            // A longer outage: A keeps B's interest (the silence is A's own), so it still counts what it drops.
            Thread.sleep(6000);
            final long droppedBefore = counters(a).droppedOut.get();
            next = publish(publisher, next, 10);
            await("dropped after 6 s without NATS", () -> counters(a).droppedOut.get() - droppedBefore, 10);

            nats.start();
            await("A back on NATS", () -> a.server.cluster().connected() ? 1 : 0, 1);
            await("B back on NATS", () -> b.server.cluster().connected() ? 1 : 0, 1);
            assertEquals("{\"status\":\"ok\"}\n", http.send(HttpRequest.newBuilder(URI.create(a.uri("http") +
                "/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
            // Traffic resumes once A has B's interest again: publish until a message arrives.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            subscriber.setTimeout(100);
            int last = 99;
            boolean resumed = false;
            while (!resumed && System.nanoTime() < deadline)
            {
                next = publish(publisher, next, 1);
                try
                {
                    last = check(subscriber.read(), last);
                    resumed = true;
                }
                catch (final java.net.SocketTimeoutException notYet)
                {
                    // not yet
                }
            }
            assertTrue(resumed, "traffic resumed after NATS came back");
            subscriber.setTimeout(5000);
            final int resumedAt = next;
            next = publish(publisher, next, 200);
            while (last < next - 1)
            {
                last = check(subscriber.read(), last);
            }
            assertTrue(last == next - 1 && resumedAt > 200, "every message after the outage arrived, in order");
            subscriber.expectNothing();
            assertTrue(counters(a).disconnects.get() >= 1);
        }
    }

    private static int publish(final TestClient publisher, final int from, final int count) throws Exception
    {
        final StringBuilder burst = new StringBuilder();
        for (int i = from; i < from + count; i++)
        {
            burst.append("{\"command\":\"publish\",\"tags\":[\"f\"],\"data\":\"").append(i).append("\"}\n");
        }
        publisher.sendRaw(burst.toString());
        return from + count;
    }

    /** A delivery after {@code last}: strictly later (no duplicate, no reordering), gaps allowed (loss). */
    private static int check(final String line, final int last)
    {
        final String prefix = "{\"command\":\"publish\",\"tags\":[\"f\"],\"data\":\"";
        assertTrue(line.startsWith(prefix), line);
        final int n = Integer.parseInt(line.substring(prefix.length(), line.length() - 2));
        assertTrue(n > last, "received " + n + " after " + last + ": a duplicate or out of order");
        return n;
    }
}
