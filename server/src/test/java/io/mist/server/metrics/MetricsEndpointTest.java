package io.mist.server.metrics;

import io.mist.engine.EngineConfig;
import io.mist.server.ListenerUri;
import io.mist.server.LogLevel;
import io.mist.server.MistServer;
import io.mist.server.ServerConfig;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /metrics} on a real server: counters and latency summaries after real traffic over TCP. */
class MetricsEndpointTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int MESSAGES = 200;

    private static MistServer start(final boolean latencyHistograms) throws Exception
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0"),
            ListenerUri.parse("http://127.0.0.1:0")), LogLevel.INFO,
            EngineConfig.defaults().withLatencyHistograms(latencyHistograms), TransportConfig.defaults());
        return new MistServer(config).start();
    }

    @Test
    void countersAndLatencySummariesFollowTraffic() throws Exception
    {
        try (MistServer server = start(true);
             Socket subscriber = connect(server);
             Socket publisher = connect(server))
        {
            final BufferedReader in = subscribed(subscriber, "m");
            final StringBuilder burst = new StringBuilder();
            for (int i = 0; i < MESSAGES; i++)
            {
                burst.append("{\"command\":\"publish\",\"tags\":[\"m\"],\"data\":\"").append(i).append("\"}\n");
            }
            send(publisher, burst.toString());
            for (int i = 0; i < MESSAGES; i++)
            {
                assertTrue(in.readLine().contains("\"data\":\"" + i + "\""));
            }

            final HttpResponse<String> response = get(server, "/metrics");
            assertEquals(200, response.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("content-type").orElse(""));
            final Map<String, Double> samples = parse(response.body());
            assertEquals(MESSAGES, samples.get("mist_messages_published_total"));
            assertEquals(MESSAGES, samples.get("mist_messages_delivered_total"));
            assertEquals(0, samples.get("mist_messages_dropped_total"));
            assertEquals(2, samples.get("mist_connections"));
            assertEquals(1, samples.get("mist_subscriptions"));
            final String tcp = "tcp://127.0.0.1:" + server.firstAddress("tcp").getPort();
            assertEquals(2, samples.get("mist_listener_connections{listener=\"" + tcp + "\"}"));

            assertEquals(MESSAGES, samples.get("mist_latency_ingress_to_matcher_seconds_count"));
            assertEquals(MESSAGES, samples.get("mist_latency_matcher_to_enqueued_seconds_count"));
            // Every frame written to the subscriber: the pong, then the messages (read above, so all written).
            assertEquals(MESSAGES + 1, samples.get("mist_latency_enqueued_to_written_seconds_count"));
            for (final String stage : new String[] {"ingress_to_matcher", "matcher_to_enqueued", "enqueued_to_written"})
            {
                final String name = "mist_latency_" + stage + "_seconds";
                final double p50 = samples.get(name + "{quantile=\"0.5\"}");
                final double max = samples.get(name + "{quantile=\"1\"}");
                assertTrue(p50 <= samples.get(name + "{quantile=\"0.99\"}") && samples.get(name +
                    "{quantile=\"0.99\"}") <= max, stage + " quantiles in order");
                assertTrue(max > 0 && max < 10, stage + " max " + max);
                assertTrue(samples.get(name + "_sum") > 0, stage + " sum");
            }
            assertTrue(response.body().contains("# TYPE mist_latency_enqueued_to_written_seconds summary"));
            assertTrue(response.body().contains("# TYPE mist_messages_published_total counter"));
            assertFalse(response.body().contains("mist_auth_failures_total"), "no authenticator, no auth counter");
        }
    }

    @Test
    void largeMessagesBorrowPayloadArraysThatComeBackToThePool() throws Exception
    {
        try (MistServer server = start(false);
             Socket subscriber = connect(server);
             Socket publisher = connect(server))
        {
            final BufferedReader in = subscribed(subscriber, "big");
            final String data = "y".repeat(16 * 1024);
            final int messages = 100;
            for (int i = 0; i < messages; i++)
            {
                send(publisher, "{\"command\":\"publish\",\"tags\":[\"big\"],\"data\":\"" + i + data + "\"}\n");
            }
            for (int i = 0; i < messages; i++)
            {
                final String line = in.readLine();
                assertTrue(line.endsWith("\"data\":\"" + i + data + "\"}"), "message " + i + " whole");
            }
            // Each 16 KiB publish borrowed a 32 KiB array on its way to the matcher, which then held it for the
            // subscriber until written; all came back.
            // The last slot is released just after its message was enqueued, so allow a moment.
            Map<String, Double> samples = parse(get(server, "/metrics").body());
            for (int tries = 0; tries < 100 && samples.get("mist_inbound_payload_pool_bytes") !=
                samples.get("mist_inbound_payload_allocations_total") * 32 * 1024; tries++)
            {
                Thread.sleep(20);
                samples = parse(get(server, "/metrics").body());
            }
            final double allocated = samples.get("mist_inbound_payload_allocations_total");
            assertTrue(allocated >= 1 && allocated <= messages, "allocated " + allocated);
            assertEquals(allocated * 32 * 1024, samples.get("mist_inbound_payload_pool_bytes"));
            assertEquals(0, samples.get("mist_inbound_payload_bytes"), "none lent out any more");
            assertEquals(0, samples.get("mist_outbound_shared_bytes"), "none held for the subscriber any more");
            assertEquals(0, samples.get("mist_inbound_buffer_full_total"), "100 × 32 KiB stays within 64 MiB");
        }
    }

    @Test
    void withoutHistogramsOnlyCountersAreShown() throws Exception
    {
        try (MistServer server = start(false))
        {
            final HttpResponse<String> response = get(server, "/metrics");
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("mist_messages_published_total 0"));
            assertFalse(response.body().contains("mist_latency_"));
        }
    }

    @Test
    void onlyGetAndHead() throws Exception
    {
        try (MistServer server = start(true))
        {
            final HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri(server, "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void statsLineReportsTotalsRatesAndPercentiles() throws Exception
    {
        try (MistServer server = start(true);
             Socket publisher = connect(server))
        {
            final ServerMetrics metrics = server.metrics();
            final ServerMetrics.Totals before = metrics.totals();
            send(publisher, "{\"command\":\"publish\",\"tags\":[\"s\"],\"data\":\"x\"}\n{\"command\":\"ping\"}\n");
            reader(publisher).readLine();
            final String line = metrics.statsLine(metrics.totals(), before);
            assertTrue(line.startsWith("stats: published 1 ("), line);
            assertTrue(line.contains("/s), delivered 0 ("), line);
            assertTrue(line.contains(", connections 1, subscriptions 0;"), line);
            assertTrue(line.contains(" ingress_to_matcher ") && line.contains(" enqueued_to_written "), line);
        }
    }

    /** Samples by name with labels (e.g. {@code x{quantile="0.5"}}). */
    private static Map<String, Double> parse(final String body)
    {
        final Map<String, Double> samples = new HashMap<>();
        for (final String line : body.split("\n"))
        {
            if (!line.startsWith("#") && !line.isBlank())
            {
                final int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    private static URI uri(final MistServer server, final String path)
    {
        return URI.create("http://127.0.0.1:" + server.firstAddress("http").getPort() + path);
    }

    private static HttpResponse<String> get(final MistServer server, final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(uri(server, path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Socket connect(final MistServer server) throws Exception
    {
        final InetSocketAddress address = server.firstAddress("tcp");
        final Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Subscribes {@code subscriber} to {@code tag}, waits until the server has it, and returns its reader. */
    private static BufferedReader subscribed(final Socket subscriber, final String tag) throws Exception
    {
        final BufferedReader in = reader(subscriber);
        send(subscriber, "{\"command\":\"subscribe\",\"tags\":[\"" + tag + "\"]}\n{\"command\":\"ping\"}\n");
        assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}", in.readLine());
        return in;
    }

    private static BufferedReader reader(final Socket socket) throws Exception
    {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void send(final Socket socket, final String text) throws Exception
    {
        final OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
