package io.mist.server;

import io.mist.auth.AuthUrlOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --auth-url}: a real local HTTP server ({@link AuthEndpoint}) decides the tokens a server without an
 * authenticator is shown, on every listener: allow, deny, tags, slow, 500, a bad answer and an unreachable URL;
 * isimud's {@code /sub} statuses and bodies byte for byte; answers kept and shared; every call counted in
 * {@code /metrics}. Real sockets.
 */
class AuthUrlTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static AuthEndpoint endpoint;
    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws Exception
    {
        endpoint = new AuthEndpoint();
        fixture = new ServerFixture(new MistServer(ServerConfig.withListeners("tcp://127.0.0.1:0",
            "http://127.0.0.1:0", "ws://127.0.0.1:0", "isimud://127.0.0.1:0").withIsimud("pw", true)
            .withAuthUrl(new AuthUrlOptions(endpoint.url(), Duration.ofSeconds(10), Duration.ofMillis(500)), false))
            .start());
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
        endpoint.close();
    }

    private static TestClient authenticated(final String token) throws Exception
    {
        final TestClient client = fixture.connect();
        client.send("{\"command\":\"auth\",\"data\":\"" + token + "\"}");
        return client;
    }

    @Test
    void aTokenTheUrlAllowsOpensATcpConnection() throws Exception
    {
        try (TestClient client = fixture.connect())
        {
            // As mist, the first message's data is the token, whatever its command; that message is then run.
            client.send("{\"command\":\"ping\",\"data\":\"allow-tcp\"}");
            client.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
            assertEquals("Bearer allow-tcp", endpoint.lastAuthorization);
            assertEquals("127.0.0.1", endpoint.lastForwardedFor);
            client.send("{\"command\":\"subscribe\",\"tags\":[\"anything\"]}");
            client.expectNothing();
        }
    }

    @Test
    void messagesBehindTheTokenWaitForTheAnswerInOrder() throws Exception
    {
        try (TestClient client = fixture.connect(); TestClient publisher = authenticated("allow-pipelined-publisher"))
        {
            client.sendRaw("{\"command\":\"auth\",\"data\":\"lazy-pipelined\"}\n" +
                "{\"command\":\"subscribe\",\"tags\":[\"p\"]}\n{\"command\":\"list\"}\n");
            client.expect("{\"command\":\"list\",\"data\":\"p\"}");
            publisher.sync();
            publisher.send("{\"command\":\"publish\",\"tags\":[\"p\"],\"data\":\"after the answer\"}");
            client.expect("{\"command\":\"publish\",\"tags\":[\"p\"],\"data\":\"after the answer\"}");
        }
    }

    @Test
    void aClientThatStopsSendingWhileTheUrlIsAskedGetsItsReplies() throws Exception
    {
        try (TestClient client = fixture.connect())
        {
            client.sendRaw("{\"command\":\"ping\",\"data\":\"lazy-half-closed\"}\n{\"command\":\"ping\"}\n")
                .finishSending();
            client.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
            client.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
            client.expectClosed();
        }
    }

    @Test
    void aClientThatLeavesWhileTheUrlIsAskedLeavesNothingBehind() throws Exception
    {
        final long before = openConnections();
        for (int i = 0; i < 5; i++)
        {
            try (TestClient client = fixture.connect())
            {
                client.send("{\"command\":\"auth\",\"data\":\"lazy-gone-" + i + "\"}");
                client.send("{\"command\":\"subscribe\",\"tags\":[\"gone\"]}");
            }
        }
        Thread.sleep(600); // the answers arrive after the clients left
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // At most as many as before: a connection of an earlier test may still have been closing when it was counted.
        while (openConnections() > before && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
        }
        assertTrue(openConnections() <= before, "every session was closed: " + openConnections() + " open, " +
            before + " before");
        try (TestClient client = authenticated("allow-after-gone"))
        {
            client.send("{\"command\":\"listall\"}");
            assertTrue(!client.read().contains("gone"), "no subscription of a client that left");
        }
    }

    private static long openConnections() throws Exception
    {
        return value(metrics(), "mist_connections");
    }

    private static String metrics() throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(fixture.uri("http").resolve("/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void tagsInTheAnswerRestrictTheConnection() throws Exception
    {
        try (TestClient restricted = authenticated("tags-a-1");
             TestClient publisher = authenticated("allow-publisher"))
        {
            restricted.send("{\"command\":\"subscribe\",\"tags\":[\"b\"]}");
            assertTrue(restricted.read().contains("Forbidden"), "a tag the URL did not grant");
            restricted.send("{\"command\":\"subscribe\",\"tags\":[\"a\"]}").sync();
            publisher.sync();
            publisher.send("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"granted\"}");
            restricted.expect("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"granted\"}");
            restricted.send("{\"command\":\"publish\",\"tags\":[\"b\"],\"data\":\"x\"}");
            assertTrue(restricted.read().contains("Forbidden"), "publishing outside the granted tags");
        }
    }

    @Test
    void aTokenTheUrlRefusesClosesTheConnectionAsMist() throws Exception
    {
        try (TestClient client = authenticated("deny-tcp"))
        {
            client.expectClosed();
        }
        try (TestClient client = authenticated("unknown-tcp"))
        {
            client.expectClosed();
        }
    }

    @Test
    void anUndecidedTokenGetsAReasonBeforeTheClose() throws Exception
    {
        try (TestClient client = authenticated("boom-tcp"))
        {
            client.expect("{\"command\":\"auth\",\"error\":\"Unauthorized - the token could not be checked: the " +
                "auth URL failed with status 500; try again\"}");
            client.expectClosed();
        }
        try (TestClient client = authenticated("slow-tcp"))
        {
            client.expect("{\"command\":\"auth\",\"error\":\"Unauthorized - the token could not be checked: the " +
                "auth URL did not answer within 500ms; try again\"}");
            client.expectClosed();
        }
        try (TestClient client = authenticated("bad-tcp"))
        {
            assertTrue(client.read().contains("the auth URL answered 200 with a body mist cannot read (\\\"tags\\\" " +
                "is not a list of strings)"));
            client.expectClosed();
        }
    }

    @Test
    void answersAreKeptAndAStormAsksOnce() throws Exception
    {
        final List<TestClient> storm = new ArrayList<>();
        try
        {
            for (int i = 0; i < 20; i++)
            {
                storm.add(authenticated("lazy-storm"));
            }
            for (final TestClient client : storm)
            {
                client.sync();
            }
            try (TestClient later = authenticated("lazy-storm"))
            {
                later.sync();
            }
            assertEquals(1, endpoint.requests("lazy-storm"), "20 connections at once and one later, one request");
            try (TestClient denied = authenticated("deny-kept"); TestClient again = authenticated("deny-kept"))
            {
                denied.expectClosed();
                again.expectClosed();
            }
            assertEquals(1, endpoint.requests("deny-kept"), "refusals are kept too");
            for (int i = 0; i < 2; i++)
            {
                try (TestClient client = authenticated("boom-again"))
                {
                    assertTrue(client.read().contains("status 500"));
                }
            }
            assertEquals(2, endpoint.requests("boom-again"), "failures are not kept: the next try asks again");
        }
        finally
        {
            for (final TestClient client : storm)
            {
                client.close();
            }
        }
    }

    private static HttpResponse<String> publish(final String token) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(fixture.uri("http").resolve("/publish"))
            .header("X-AUTH-TOKEN", token)
            .POST(HttpRequest.BodyPublishers.ofString("{\"tags\":[\"a\"],\"data\":\"x\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void httpAndWebSocketAskTheUrlToo() throws Exception
    {
        assertEquals(202, publish("allow-http").statusCode());
        assertEquals(202, publish("tags-a-http").statusCode());
        assertEquals(403, publish("tags-b-http").statusCode(), "outside the granted tags");
        assertEquals(401, publish("deny-http").statusCode());
        final HttpResponse<String> failed = publish("boom-http");
        assertEquals(503, failed.statusCode());
        assertEquals("503 Service Unavailable: the token could not be checked: the auth URL failed with status " +
            "500; try again\n", failed.body());

        final URI ws = URI.create(fixture.uri("ws") + "/subscribe/websocket");
        final WebSocket allowed = HTTP.newWebSocketBuilder().header("X-AUTH-TOKEN", "allow-ws")
            .buildAsync(ws, new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS);
        allowed.abort();
        for (final String token : new String[] {"deny-ws", "boom-ws"})
        {
            final CompletionException refused = assertThrows(CompletionException.class, () -> HTTP
                .newWebSocketBuilder().header("X-AUTH-TOKEN", token).buildAsync(ws, new WebSocket.Listener() { })
                .join());
            assertEquals(token.startsWith("deny") ? 401 : 503,
                ((WebSocketHandshakeException)refused.getCause()).getResponse().statusCode());
        }
    }

    @Test
    void pipelinedHttpRequestsWaitBehindATokenInOrder() throws Exception
    {
        final String body = "{\"tags\":[\"q\"],\"data\":\"x\"}";
        final String publish = "POST /publish HTTP/1.1\r\nHost: x\r\nX-AUTH-TOKEN: lazy-pipelined-http\r\n" +
            "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fixture.uri("http").getPort()))
        {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write((publish + "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n" + publish.replace(
                "lazy-pipelined-http", "deny-pipelined-http") + "GET /ping HTTP/1.1\r\nHost: x\r\n" +
                "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            final String responses = new String(socket.getInputStream().readAllBytes(),
                java.nio.charset.StandardCharsets.US_ASCII);
            final List<String> statuses = new ArrayList<>();
            final Matcher status = Pattern.compile("HTTP/1.1 (\\d{3})").matcher(responses);
            while (status.find())
            {
                statuses.add(status.group(1));
            }
            assertEquals(List.of("202", "200", "401", "200"), statuses, responses);
        }
    }

    private static HttpResponse<String> sub(final URI isimud, final String authorization) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(isimud.resolve("/sub"));
        if (authorization != null)
        {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertJson(final HttpResponse<String> response, final int status, final String body)
    {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(body, response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    }

    private static URI isimud(final ServerFixture server)
    {
        return URI.create("http://127.0.0.1:" + server.server.firstAddress("isimud").getPort());
    }

    @Test
    void isimudSubAnswersAsIsimudWithAnAuthUrl() throws Exception
    {
        final URI isimud = isimud(fixture);
        assertJson(sub(isimud, null), 400, "{\"error\":\"Missing credentials\"}");
        assertJson(sub(isimud, "Basic YTpi"), 400, "{\"error\":\"Missing credentials\"}");
        assertJson(sub(isimud, "Bearer deny-sub"), 401, "{\"error\":\"Wrong credentials\"}");
        assertJson(sub(isimud, "Bearer boom-sub"), 401, "{\"error\":\"Wrong credentials\"}");
        assertJson(sub(isimud, "Bearer slow-sub"), 500, "{\"error\":\"Internal server error\"}");
        assertEquals(1, endpoint.requests("deny-sub"), "the subscriber's bearer token went to the URL");

        final TextFrames allowed = new TextFrames();
        final WebSocket socket = HTTP.newWebSocketBuilder().header("Authorization", "Bearer allow-sub")
            .buildAsync(URI.create("ws://127.0.0.1:" + isimud.getPort() + "/sub"), allowed).get(5, TimeUnit.SECONDS);
        final TextFrames restricted = new TextFrames();
        final WebSocket limited = HTTP.newWebSocketBuilder().header("Authorization", "Bearer tags-topic:news-sub")
            .buildAsync(URI.create("ws://127.0.0.1:" + isimud.getPort() + "/sub"), restricted)
            .get(5, TimeUnit.SECONDS);
        try
        {
            socket.sendText("{\"publisher\":\"alice\",\"topic\":\"news\"}", true).get(5, TimeUnit.SECONDS);
            limited.sendText("{\"publisher\":\"alice\",\"topic\":\"news\"}", true).get(5, TimeUnit.SECONDS);
            Thread.sleep(200); // a subscription has no reply to wait for
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(isimud.resolve("/pub"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("alice:pw".getBytes()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"news\",\"data\":\"hello\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals("hello", allowed.next());
            assertEquals("hello", restricted.next(), "topic:news is granted");
            limited.sendText("{\"publisher\":\"bob\",\"topic\":\"sport\"}", true).get(5, TimeUnit.SECONDS);
            assertEquals("closed 1008 Forbidden: the token's tags include neither publisher:bob nor topic:sport",
                restricted.next());
        }
        finally
        {
            socket.abort();
            limited.abort();
        }
    }

    @Test
    void anUnreachableUrlRefusesWithAReason() throws Exception
    {
        final int closed;
        try (ServerSocket socket = new ServerSocket(0))
        {
            closed = socket.getLocalPort();
        }
        try (ServerFixture unreachable = new ServerFixture(new MistServer(ServerConfig.withListeners(
            "tcp://127.0.0.1:0", "isimud://127.0.0.1:0").withIsimud("pw", true).withAuthUrl(new AuthUrlOptions(
            URI.create("http://127.0.0.1:" + closed + "/auth"), Duration.ofSeconds(10), Duration.ofSeconds(5)),
            false)).start());
             TestClient client = unreachable.connect())
        {
            client.send("{\"command\":\"auth\",\"data\":\"allow-x\"}");
            final String error = client.read();
            assertTrue(error.startsWith("{\"command\":\"auth\",\"error\":\"Unauthorized - the token could not be " +
                "checked: the auth URL is unreachable ("), error);
            client.expectClosed();
            assertJson(sub(isimud(unreachable), "Bearer allow-x"), 500, "{\"error\":\"Internal server error\"}");
        }
    }

    @Test
    void metricsCountEveryCallRefusalAndFailure() throws Exception
    {
        try (TestClient a = authenticated("allow-metrics"); TestClient d = authenticated("deny-metrics");
             TestClient f = authenticated("boom-metrics"); TestClient kept = authenticated("allow-metrics"))
        {
            a.sync();
            kept.sync();
            d.expectClosed();
            f.read();
        }
        final String metrics = metrics();
        assertTrue(value(metrics, "mist_auth_url_requests_total") >= 3, metrics);
        assertTrue(value(metrics, "mist_auth_url_cache_hits_total") + value(metrics, "mist_auth_url_joined_total")
            >= 1, metrics);
        assertTrue(value(metrics, "mist_auth_url_answers_total{answer=\"allowed\"}") >= 1, metrics);
        assertTrue(value(metrics, "mist_auth_url_answers_total{answer=\"denied\"}") >= 1, metrics);
        assertTrue(value(metrics, "mist_auth_url_failures_total{reason=\"server_error\"}") >= 1, metrics);
        assertTrue(value(metrics, "mist_auth_failures_total") >= 2, metrics);
        assertTrue(value(metrics, "mist_auth_url_cached_tokens") >= 2, metrics);
    }

    private static long value(final String metrics, final String name)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)$").matcher(metrics);
        assertTrue(matcher.find(), name + " in\n" + metrics);
        return Long.parseLong(matcher.group(1));
    }
}
