package io.mist.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When direct memory has no room for another client's ring, a new connection is refused with a clear error in its
 * protocol's format (a mist error line on TCP, {@code 503} to a WebSocket upgrade), while the clients already
 * connected go on, {@code /metrics} still answers, and connections are taken again once memory is freed. A real
 * server process with a small {@code -XX:MaxDirectMemorySize}, filled by idle connections (16 KiB each).
 */
class DirectMemoryRefusalTest
{
    private static final int MOST_CONNECTIONS = 4000;
    private static final int BATCH = 32;

    @Test
    void aConnectionBeyondTheDirectMemoryBudgetIsRefusedClearlyAndTheOthersCarryOn() throws Exception
    {
        final List<TestClient> accepted = new ArrayList<>();
        try (ServerProcess process = ServerProcess.start(List.of("-XX:MaxDirectMemorySize=16m"), "--server",
            "--listeners", "tcp://127.0.0.1:0,http://127.0.0.1:0"))
        {
            final InetSocketAddress tcp = new InetSocketAddress("127.0.0.1", process.awaitPort("TCP"));
            final int http = process.awaitPort("HTTP");
            String refusal = null;
            int tried = 0;
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (refusal == null)
            {
                assertTrue(tried < MOST_CONNECTIONS && System.nanoTime() < deadline, "no refusal after " + tried +
                    " connections (" + accepted.size() + " answered) of 16 KiB each under a 16 MiB limit");
                tried += BATCH;
                final List<TestClient> batch = new ArrayList<>();
                for (int i = 0; i < BATCH; i++)
                {
                    batch.add(new TestClient(tcp).send("{\"command\":\"ping\"}"));
                }
                for (final TestClient client : batch)
                {
                    final String answer = answer(client);
                    if ("{\"command\":\"ping\",\"data\":\"pong\"}".equals(answer))
                    {
                        accepted.add(client);
                        continue;
                    }
                    if (answer != null && refusal == null)
                    {
                        refusal = answer;
                    }
                    client.close();
                }
            }
            assertTrue(refusal.startsWith("{\"command\":\"\",\"error\":\"Out of memory for client buffers - ") &&
                refusal.contains("(-XX:MaxDirectMemorySize; lower --client-buffer-size"), refusal);
            assertTrue(accepted.size() > 100, "refused after only " + accepted.size() + " connections: " + refusal);
            assertNotNull(process.awaitLine("Refused a connection from"));

            // The clients already connected are served as before.
            final TestClient subscriber = accepted.get(0);
            final TestClient publisher = accepted.get(accepted.size() - 1);
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"still\"]}").sync();
            publisher.send("{\"command\":\"publish\",\"tags\":[\"still\"],\"data\":\"served\"}").sync();
            subscriber.expect("{\"command\":\"publish\",\"tags\":[\"still\"],\"data\":\"served\"}");

            // HTTP: the operator's endpoints answer; a WebSocket, which would need a ring, is refused with 503.
            final HttpClient client = HttpClient.newHttpClient();
            final HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            final long tcpRefusals = refusedForMemory(metrics.body());
            assertTrue(tcpRefusals >= 1, metrics.body());
            final String upgrade = rawHttp(http, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                "Sec-WebSocket-Version: 13\r\n\r\n");
            assertTrue(upgrade.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), upgrade);
            assertTrue(upgrade.contains("\r\n\r\n503 Service Unavailable: Out of memory for client buffers - "),
                upgrade);
            assertEquals(tcpRefusals + 1, refusedForMemory(client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body()), "the WebSocket refusal counted");

            // Closing connections frees their rings: a new one is taken again.
            for (final TestClient gone : accepted.subList(1, accepted.size() / 2))
            {
                gone.close();
            }
            accepted.subList(1, accepted.size() / 2).clear();
            String again = null;
            for (int attempt = 0; attempt < 100 && !"{\"command\":\"ping\",\"data\":\"pong\"}".equals(again); attempt++)
            {
                Thread.sleep(50); // the server sees the closes on its own time
                try (TestClient late = new TestClient(tcp).send("{\"command\":\"ping\"}"))
                {
                    again = answer(late);
                }
            }
            assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}", again, "a connection after memory was freed");
        }
        finally
        {
            for (final TestClient client : accepted)
            {
                client.close();
            }
        }
    }

    /** {@code mist_connections_refused_total{reason="memory"}} in a /metrics page. */
    private static long refusedForMemory(final String metrics)
    {
        final String name = "\nmist_connections_refused_total{reason=\"memory\"} ";
        final int at = metrics.indexOf(name);
        assertTrue(at >= 0, metrics);
        return Long.parseLong(metrics.substring(at + name.length(), metrics.indexOf('\n', at + 1)));
    }

    /** Sends {@code request} as it is and reads the response until the server closes or 2 s pass. */
    private static String rawHttp(final int port, final String request) throws IOException
    {
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            final ByteArrayOutputStream response = new ByteArrayOutputStream();
            final byte[] buffer = new byte[4096];
            try
            {
                for (int n; (n = socket.getInputStream().read(buffer)) > 0; )
                {
                    response.write(buffer, 0, n);
                }
            }
            catch (final SocketTimeoutException kept)
            {
                // a response kept alive: what came is the response
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    /** The first line the server sends, or null when it closed (or reset) the connection without one. */
    private static String answer(final TestClient client)
    {
        try
        {
            return client.read();
        }
        catch (final IOException closed)
        {
            return null;
        }
    }
}
