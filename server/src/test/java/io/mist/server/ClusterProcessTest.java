package io.mist.server;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three mist processes on two nats-server processes that form a NATS cluster (A and C on the first, B on the
 * second): deliveries cross nodes and NATS servers in order, and a node killed with SIGKILL costs the others nothing
 * (they carry on, and forget it once it has been silent for 5 s).
 */
class ClusterProcessTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ServerProcess node(final NatsServerProcess nats) throws Exception
    {
        return ServerProcess.start("--server", "--cluster", nats.url(), "--cluster-name", "processes",
            "--listeners", "tcp://127.0.0.1:0,http://127.0.0.1:0");
    }

    private static long metric(final ServerProcess node, final String name) throws Exception
    {
        final String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.awaitPort("HTTP") +
            "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        final Matcher m = Pattern.compile("\n" + name + " (\\d+)\n").matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void await(final ServerProcess node, final String name, final long expected, final int seconds)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long value;
        while ((value = metric(node, name)) != expected)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError(name + ": expected " + expected + ", still " + value + "\n" + node.log());
            }
            Thread.sleep(50);
        }
    }

    private static TestClient client(final ServerProcess node) throws Exception
    {
        return new TestClient(new InetSocketAddress("127.0.0.1", node.awaitPort("TCP")));
    }

    @Test
    void acrossNatsServersInOrderAndANodeKilledCostsTheOthersNothing() throws Exception
    {
        final int route1 = NatsServerProcess.freePort();
        final int route2 = NatsServerProcess.freePort();
        try (NatsServerProcess nats1 = NatsServerProcess.launch("--cluster", "nats://127.0.0.1:" + route1,
                "--routes", "nats://127.0.0.1:" + route2);
            NatsServerProcess nats2 = NatsServerProcess.launch("--cluster", "nats://127.0.0.1:" + route2,
                "--routes", "nats://127.0.0.1:" + route1);
            ServerProcess a = node(nats1); ServerProcess b = node(nats2); ServerProcess c = node(nats1))
        {
            await(a, "mist_cluster_nodes", 2, 20);
            try (TestClient publisher = client(a); TestClient onB = client(b); TestClient onC = client(c))
            {
                onB.send("{\"command\":\"subscribe\",\"tags\":[\"x\"]}").sync();
                onC.send("{\"command\":\"subscribe\",\"tags\":[\"x\"]}").sync();
                await(a, "mist_cluster_interest_entries", 2, 20);
                final StringBuilder burst = new StringBuilder();
                for (int i = 0; i < 1000; i++)
                {
                    burst.append("{\"command\":\"publish\",\"tags\":[\"x\"],\"data\":\"").append(i).append("\"}\n");
                }
                publisher.sendRaw(burst.toString());
                for (int i = 0; i < 1000; i++)
                {
                    final String expected = "{\"command\":\"publish\",\"tags\":[\"x\"],\"data\":\"" + i + "\"}";
                    onB.expect(expected); // through both NATS servers
                    onC.expect(expected);
                }

                c.close(); // SIGKILL: no goodbye
                publisher.send("{\"command\":\"publish\",\"tags\":[\"x\"],\"data\":\"after\"}");
                onB.expect("{\"command\":\"publish\",\"tags\":[\"x\"],\"data\":\"after\"}");
                final long start = System.nanoTime();
                await(a, "mist_cluster_nodes", 1, 15);
                await(b, "mist_cluster_nodes", 1, 15);
                final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(tookMillis < 8000, "the dead node was forgotten after " + tookMillis + " ms");
                await(a, "mist_cluster_interest_entries", 1, 5);
                publisher.send("{\"command\":\"publish\",\"tags\":[\"x\"],\"data\":\"still\"}");
                onB.expect("{\"command\":\"publish\",\"tags\":[\"x\"],\"data\":\"still\"}");
                assertTrue(!a.log().contains("Exception"), a.log());
            }
        }
    }
}
