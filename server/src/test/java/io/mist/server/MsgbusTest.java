package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.retention.RetentionOptions;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * msgbus's API on mist, as its scripts and clients use it: every route and status, the JSON byte for byte (but the
 * times), the bounds of what is kept (TTL, queue size, bytes), delivery across dialects both ways, and WebSocket
 * replay from an index while messages are being published. Real sockets.
 */
class MsgbusTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TIME = "\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z\"";
    private static ServerFixture fixture;
    private static URI msgbus;

    @BeforeAll
    static void start() throws StartupException
    {
        fixture = server(new RetentionOptions(10_000, Duration.ofSeconds(60), 64L << 20, 1000), 4096);
        msgbus = http(fixture);
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    private static ServerFixture server(final RetentionOptions retention, final int maxFrameSize)
        throws StartupException
    {
        return new ServerFixture(new MistServer(new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0"),
            ListenerUri.parse("msgbus://127.0.0.1:0"), ListenerUri.parse("http://127.0.0.1:0")), LogLevel.INFO,
            new EngineConfig(1024, EngineConfig.DEFAULT_WAIT_STRATEGY, EngineConfig.DEFAULT_CLIENT_BUFFER_SIZE),
            new TransportConfig(maxFrameSize, 2)).withRetention(retention)).start());
    }

    /** The msgbus listener as an http:// URI. */
    private static URI http(final ServerFixture server)
    {
        return URI.create("http://127.0.0.1:" + server.server.firstAddress("msgbus").getPort());
    }

    private static HttpResponse<String> request(final URI base, final String method, final String path,
        final String body) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).method(method, body == null ?
            HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static void put(final URI base, final String topic, final String body) throws Exception
    {
        assertEquals(202, request(base, "PUT", "/" + topic, body).statusCode());
    }

    /** A message's JSON as msgbus writes it, the times matched by shape. */
    private static String message(final long id, final String topic, final long seq, final String payload)
    {
        return "\\{\"id\":" + id + ",\"topic\":\\{\"name\":\"" + topic + "\",\"ttl\":60000000000,\"seq\":" + seq +
            ",\"created\":" + TIME + "\\},\"payload\":\"" + Base64.getEncoder().encodeToString(
            payload.getBytes(StandardCharsets.UTF_8)) + "\",\"created\":" + TIME + "\\}";
    }

    private static void assertMatches(final String regex, final String actual)
    {
        assertTrue(actual.matches(regex), "expected\n" + regex + "\ngot\n" + actual);
    }

    @Test
    void everyRouteAnswersAsMsgbus() throws Exception
    {
        assertEquals(202, request(msgbus, "POST", "/routes", "hello").statusCode());
        final HttpResponse<String> put = request(msgbus, "PUT", "/routes/", "<wörld> & \"more\"");
        assertEquals(202, put.statusCode());
        assertEquals("", put.body());

        final HttpResponse<String> first = request(msgbus, "GET", "/routes", null);
        assertEquals(200, first.statusCode());
        assertEquals("application/json", first.headers().firstValue("Content-Type").orElse(""));
        assertMatches(message(0, "routes", 2, "hello"), first.body());
        assertMatches(message(1, "routes", 2, "<wörld> & \"more\""), request(msgbus, "GET", "/routes", null).body());
        final HttpResponse<String> empty = request(msgbus, "GET", "/routes", null);
        assertEquals(404, empty.statusCode());
        assertEquals("no messages enqueued for topic: routes\n", empty.body());
        assertEquals("nosniff", empty.headers().firstValue("X-Content-Type-Options").orElse(""));

        final HttpResponse<String> topics = request(msgbus, "GET", "/", null);
        assertEquals(200, topics.statusCode());
        assertEquals("application/json", topics.headers().firstValue("Content-Type").orElse(""));
        assertTrue(Pattern.compile("\"routes\":\\{\"name\":\"routes\",\"ttl\":60000000000,\"seq\":2,\"created\":" +
            TIME + "\\}").matcher(topics.body()).find(), topics.body());

        assertEquals(204, request(msgbus, "DELETE", "/routes", null).statusCode());
        assertTrue(!request(msgbus, "GET", "/", null).body().contains("\"routes\""), "deleted");
        put(msgbus, "routes", "again");
        assertMatches(message(0, "routes", 1, "again"), request(msgbus, "GET", "/routes", null).body());

        final HttpResponse<String> patch = request(msgbus, "PATCH", "/routes", "x");
        assertEquals(405, patch.statusCode());
        assertEquals("GET, PUT, POST, DELETE", patch.headers().firstValue("Allow").orElse(""));
        assertEquals(405, request(msgbus, "PUT", "/", "x").statusCode());
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", msgbus.getPort()))
        {
            socket.setSoTimeout(5000);
            final OutputStream out = socket.getOutputStream();
            out.write("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n".getBytes(
                StandardCharsets.US_ASCII));
            out.write(new byte[5000]);
            out.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            final InputStream in = socket.getInputStream();
            final StringBuilder response = new StringBuilder();
            while (!response.toString().endsWith("no messages enqueued for topic: big\n"))
            {
                final int b = in.read();
                assertTrue(b >= 0, "closed after " + response);
                response.append((char)b);
            }
            assertTrue(response.toString().startsWith("HTTP/1.1 413 Request Entity Too Large\r\n"),
                response.toString());
            assertTrue(response.toString().contains("\r\n\r\npayload exceeds max-payload-size\nHTTP/1.1 404 "),
                "the connection goes on after the 413: " + response);
        }
    }

    @Test
    void deliveryCrossesDialectsBothWays() throws Exception
    {
        try (TestClient mist = fixture.connect())
        {
            mist.send("{\"command\":\"subscribe\",\"tags\":[\"cross\"]}").sync();
            put(msgbus, "cross", "from msgbus");
            mist.expect("{\"command\":\"publish\",\"tags\":[\"cross\"],\"data\":\"from msgbus\"}");
            mist.send("{\"command\":\"publish\",\"tags\":[\"cross\",\"other\"],\"data\":\"from mist\"}").sync();
        }
        try (TestClient publisher = fixture.connect())
        {
            publisher.send("{\"command\":\"publish\",\"tags\":[\"other\",\"cross\"],\"data\":\"also\"}").sync();
        }
        assertMatches(message(0, "cross", 3, "from msgbus"), request(msgbus, "GET", "/cross", null).body());
        assertMatches(message(1, "cross", 3, "from mist"), request(msgbus, "GET", "/cross", null).body());
        assertMatches(message(2, "cross", 3, "also"), request(msgbus, "GET", "/cross", null).body());
        try (TestClient who = fixture.connect())
        {
            who.send("{\"command\":\"who\"}");
            assertTrue(who.read().contains("Subscribers connected: 0"), "the store is not a subscriber to mist");
        }
    }

    @Test
    void aWebSocketReplaysFromAnIndexThenGoesLive() throws Exception
    {
        for (int i = 0; i < 5; i++)
        {
            put(msgbus, "replay", "m" + i);
        }
        final TextFrames frames = new TextFrames();
        final WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" +
            msgbus.getPort() + "/replay?index=2"), frames).get(5, TimeUnit.SECONDS);
        try
        {
            for (int i = 2; i < 5; i++)
            {
                assertMatches(message(i, "replay", 5, "m" + i) + "\n", frames.next());
            }
            put(msgbus, "replay", "m5");
            assertMatches(message(5, "replay", 6, "m5") + "\n", frames.next());
            assertNull(frames.received.poll(200, TimeUnit.MILLISECONDS));
        }
        finally
        {
            socket.abort();
        }
        final TextFrames live = new TextFrames();
        final WebSocket plain = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" +
            msgbus.getPort() + "/replay"), live).get(5, TimeUnit.SECONDS);
        try
        {
            assertNull(live.received.poll(300, TimeUnit.MILLISECONDS), "without an index only new messages");
            put(msgbus, "replay", "m6");
            assertMatches(message(6, "replay", 7, "m6") + "\n", live.next());
        }
        finally
        {
            plain.abort();
        }
    }

    @Test
    void replayMeetsLiveMessagesWithoutAGapOrADuplicate() throws Exception
    {
        final int count = 3000;
        final Thread publishing = new Thread(() ->
        {
            try (TestClient publisher = fixture.connect())
            {
                for (int i = 0; i < count; i++)
                {
                    publisher.send("{\"command\":\"publish\",\"tags\":[\"boundary\"],\"data\":\"" + i + "\"}");
                }
                publisher.sync();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        put(msgbus, "boundary", "-1"); // the topic exists before mist publishes on it: id 0
        publishing.start();
        Thread.sleep(20); // the WebSocket opens while messages flow
        final TextFrames frames = new TextFrames();
        final WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" +
            msgbus.getPort() + "/boundary?index=0"), frames).get(5, TimeUnit.SECONDS);
        try
        {
            final Pattern id = Pattern.compile("^\\{\"id\":(\\d+),");
            for (long expected = 0; expected <= count; expected++)
            {
                final String frame = frames.next();
                assertTrue(frame != null, "message " + expected + " did not come");
                final Matcher m = id.matcher(frame);
                assertTrue(m.find(), frame);
                assertEquals(expected, Long.parseLong(m.group(1)), "ids in order, none missing, none twice");
            }
            assertNull(frames.received.poll(200, TimeUnit.MILLISECONDS));
        }
        finally
        {
            socket.abort();
            publishing.join(10_000);
        }
    }

    private static long metricUnchecked(final ServerFixture server, final String name)
    {
        try
        {
            return metric(server, name);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static long metric(final ServerFixture server, final String name) throws Exception
    {
        final String metrics = request(server.uri("http"), "GET", "/metrics", null).body();
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)$").matcher(metrics);
        assertTrue(m.find(), name + " in\n" + metrics);
        return Long.parseLong(m.group(1));
    }

    @Test
    void whatIsKeptIsBoundedByCountAgeAndBytes() throws Exception
    {
        try (ServerFixture bounded = server(new RetentionOptions(3, Duration.ofSeconds(1), 4096, 1000), 4096))
        {
            final URI base = http(bounded);
            for (int i = 0; i < 5; i++)
            {
                put(base, "count", "c" + i);
            }
            final List<String> pulled = new ArrayList<>();
            for (HttpResponse<String> r = request(base, "GET", "/count", null); r.statusCode() == 200;
                r = request(base, "GET", "/count", null))
            {
                pulled.add(r.body().replaceAll(".*\"payload\":\"([^\"]*)\".*", "$1"));
            }
            assertEquals(List.of("c2", "c3", "c4").stream().map(s -> Base64.getEncoder().encodeToString(
                s.getBytes(StandardCharsets.UTF_8))).toList(), pulled, "a full topic drops its oldest");
            assertEquals(2, metric(bounded, "mist_retention_dropped_total{reason=\"queue_full\"}"));

            final String large = "x".repeat(1500);
            for (int i = 0; i < 3; i++)
            {
                put(base, "bytes-" + i, large);
            }
            // The kept messages are stored off the request's thread: the count may lag the reply.
            Eventually.awaitAtLeast("dropped for --msgbus-max-bytes",
                () -> metricUnchecked(bounded, "mist_retention_dropped_total{reason=\"memory\"}"), 1, 10);
            assertTrue(metric(bounded, "mist_retention_bytes") <= 4096, "within --msgbus-max-bytes");
            assertEquals(404, request(base, "GET", "/bytes-0", null).statusCode(), "the oldest went first");
            assertEquals(200, request(base, "GET", "/bytes-2", null).statusCode());

            put(base, "age", "old");
            Thread.sleep(1500);
            assertEquals(404, request(base, "GET", "/age", null).statusCode(), "expired after --msgbus-ttl");
            assertTrue(metric(bounded, "mist_retention_expired_total") >= 1);
        }
    }

    @Test
    void tokensWorkAsOnTheHttpListener() throws Exception
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0"),
            ListenerUri.parse("msgbus://127.0.0.1:0")), LogLevel.INFO,
            new EngineConfig(1024, EngineConfig.DEFAULT_WAIT_STRATEGY, EngineConfig.DEFAULT_CLIENT_BUFFER_SIZE),
            new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 2), null, null, "memory://", "M4ST3R", false);
        try (ServerFixture secured = new ServerFixture(new MistServer(config).start());
             TestClient admin = secured.connect())
        {
            admin.send("{\"command\":\"auth\",\"data\":\"M4ST3R\"}");
            admin.send("{\"command\":\"register\",\"tags\":[\"mine\"],\"data\":\"user\"}").sync();
            final URI base = http(secured);
            assertEquals(401, request(base, "PUT", "/mine", "x").statusCode());
            final java.util.function.BiFunction<String, String, Integer> as = (method, path) ->
            {
                try
                {
                    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("X-AUTH-TOKEN", "user")
                        .method(method, HttpRequest.BodyPublishers.ofString("x")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            };
            assertEquals(202, as.apply("PUT", "/mine"));
            assertEquals(403, as.apply("PUT", "/theirs"));
            assertEquals(403, as.apply("GET", "/theirs"));
            assertEquals(403, as.apply("DELETE", "/theirs"));
            assertEquals(200, as.apply("GET", "/mine"));
            assertEquals(202, HTTP.send(HttpRequest.newBuilder(base.resolve("/theirs?x-auth-token=M4ST3R"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode(), "the master token may use any topic");
            final String listed = HTTP.send(HttpRequest.newBuilder(base.resolve("/")).header("X-AUTH-TOKEN", "user")
                .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(listed.contains("\"mine\"") && !listed.contains("\"theirs\""), listed);
        }
    }

    @Test
    void pagesFromAllowedOriginsMayUseItAndOthersAreRefused() throws Exception
    {
        try (ServerFixture server = new ServerFixture(new MistServer(new ServerConfig(List.of(
            ListenerUri.parse("tcp://127.0.0.1:0"), ListenerUri.parse("msgbus://127.0.0.1:0")), LogLevel.INFO,
            EngineConfig.defaults(), new TransportConfig(4096, 2, List.of("https://app.example")))).start()))
        {
            final URI base = http(server);
            final HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(base.resolve("/cors"))
                .header("Origin", "https://app.example").PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, put.statusCode());
            assertEquals("https://app.example", put.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            final HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(base.resolve("/cors"))
                .header("Origin", "https://app.example").header("Access-Control-Request-Method", "PUT")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, preflight.statusCode());
            assertEquals("GET, PUT, POST, DELETE",
                preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(""));
            assertEquals("https://app.example",
                preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            final HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(base.resolve("/cors"))
                .header("Origin", "https://evil.example").PUT(HttpRequest.BodyPublishers.ofString("y")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(403, other.statusCode());
            assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
            assertMatches(message(0, "cors", 1, "x"), request(base, "GET", "/cors", null).body());
        }
    }
}
