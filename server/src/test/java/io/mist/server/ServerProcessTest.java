package io.mist.server;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real process: {@code mist --server} starts, serves, and stops cleanly on SIGTERM. */
class ServerProcessTest
{
    @Test
    void startsServesAndShutsDownOnSigterm() throws Exception
    {
        final String all;
        final int status;
        try (ServerProcess process = ServerProcess.start("--server", "--listeners",
            "tcp://127.0.0.1:0,ws://0.0.0.0:0,bogus://127.0.0.1:1"))
        {
            final int port = process.awaitPort("TCP");
            try (TestClient client = new TestClient(new InetSocketAddress("127.0.0.1", port)))
            {
                client.sync();
            }
            status = process.terminate();
            all = process.log();
        }
        assertEquals(143, status, "exit status after SIGTERM (128 + 15); log:\n" + all);
        assertTrue(all.contains("WS server listening at '0.0.0.0:"), "the host as given, not 0:0:0:0:0:0:0:0\n" + all);
        assertTrue(all.contains("Unsupported scheme 'bogus'"), all);
        assertTrue(all.contains("Shutting down..."), all);
        assertFalse(all.contains("Exception"), all);
    }

    @Test
    void sigtermDrainsWhileHealthSaysNotReadyThenExitsWithinTheDrainTimeout() throws Exception
    {
        try (ServerProcess process = ServerProcess.start("--server", "--listeners",
            "tcp://127.0.0.1:0,http://127.0.0.1:0", "--drain-timeout", "3s", "--client-buffer-size", "16m"))
        {
            final int tcp = process.awaitPort("TCP");
            final java.net.URI ready = java.net.URI.create("http://127.0.0.1:" + process.awaitPort("HTTP") +
                "/health/ready");
            final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            try (TestClient stalled = new TestClient(new InetSocketAddress("127.0.0.1", tcp));
                TestClient publisher = new TestClient(new InetSocketAddress("127.0.0.1", tcp)))
            {
                stalled.send("{\"command\":\"subscribe\",\"tags\":[\"stuck\"]}").sync();
                final StringBuilder burst = new StringBuilder();
                for (int i = 0; i < 100_000; i++)
                {
                    burst.append("{\"command\":\"publish\",\"tags\":[\"stuck\"],\"data\":\"").append(i)
                        .append(" 0123456789012345678901234567890123456789\"}\n");
                }
                publisher.sendRaw(burst.toString());
                publisher.sync(); // megabytes queued for a subscriber that never reads
                final long start = System.nanoTime();
                process.signal("TERM");
                process.awaitLine("Shutting down...");
                final java.net.http.HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(ready)
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(503, answer.statusCode(), "not ready during the drain");
                assertEquals(143, process.terminate(), "exit status after SIGTERM");
                final long tookMillis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(tookMillis >= 2500 && tookMillis < 8000, "stopped after the 3 s drain: " + tookMillis + " ms");
            }
        }
    }
}
