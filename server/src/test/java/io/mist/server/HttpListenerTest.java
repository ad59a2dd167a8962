package io.mist.server;

import io.mist.auth.AccessControl;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP listener over real HTTP requests: mist's /ping, and the publish and health routes mist lacked. */
class HttpListenerTest
{
    private static ServerFixture fixture;
    private static URI http;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws StartupException
    {
        fixture = new ServerFixture(AccessControl.OPEN, "tcp://127.0.0.1:0", "http://127.0.0.1:0");
        http = fixture.uri("http");
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    private static HttpResponse<String> get(final URI base, final String path) throws Exception
    {
        return CLIENT.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(final URI base, final String path, final String contentType,
        final String body) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null)
        {
            request.header("Content-Type", contentType);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pingAsMist() throws Exception
    {
        final HttpResponse<String> pong = get(http, "/ping");
        assertEquals(200, pong.statusCode());
        assertEquals("pong\n", pong.body());
        assertEquals("text/plain; charset=utf-8", pong.headers().firstValue("Content-Type").orElse(""));
        assertEquals(200, get(http, "/pingxyz").statusCode(), "mist's router matches /ping by prefix");
        final HttpResponse<String> posted = post(http, "/ping", null, "");
        assertEquals(404, posted.statusCode());
        assertEquals("404 page not found\n", posted.body());
        assertEquals(404, get(http, "/nothing-here").statusCode());
    }

    @Test
    void uncleanPathsAreRedirectedAsMist() throws Exception
    {
        // The JDK's client and curl keep "//ping" as it is; a raw request shows exactly what goes on the wire.
        for (final String[] redirect : new String[][] {{"//ping", "/ping"}, {"/a/../ping?x=1", "/ping?x=1"},
            {"/./health", "/health"}, {"//subscribe/websocket", "/subscribe/websocket"}})
        {
            final String response = raw("GET " + redirect[0] + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 301 Moved Permanently\r\n"), redirect[0] + ": " + response);
            assertTrue(response.contains("\r\nlocation: " + redirect[1] + "\r\n"), redirect[0] + ": " + response);
        }
        assertTrue(raw("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").endsWith("\r\n\r\npong\n"));
    }

    @Test
    void publishIsPostOnly() throws Exception
    {
        final HttpResponse<String> got = get(http, "/publish?tags=a&data=x");
        assertEquals(405, got.statusCode());
        assertEquals("POST", got.headers().firstValue("Allow").orElse(""));
        assertEquals("405 Method Not Allowed: use POST\n", got.body());
    }

    private static String raw(final String request) throws Exception
    {
        try (java.net.Socket socket = new java.net.Socket(http.getHost(), http.getPort()))
        {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void connectionsReportsTheOpenClients() throws Exception
    {
        try (TestClient subscriber = fixture.connect(); TestClient publisher = fixture.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"report\"]}");
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"other\"]}").sync();
            for (int i = 0; i < 3; i++)
            {
                publisher.send("{\"command\":\"publish\",\"tags\":[\"report\"],\"data\":\"x\"}");
            }
            for (int i = 0; i < 3; i++)
            {
                subscriber.read();
            }
            final HttpResponse<String> report = get(http, "/connections?sort=delivered&order=desc&limit=1");
            assertEquals(200, report.statusCode(), report.body());
            assertEquals("application/json", report.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            final String body = report.body();
            assertTrue(body.startsWith("{\"total\":2,\"offset\":0,\"limit\":1,\"sort\":\"delivered\""), body);
            assertTrue(body.contains("\"listener\":\"tcp://127.0.0.1:" + fixture.address.getPort() + "\"," +
                "\"remote\":\"127.0.0.1:"), body);
            assertTrue(body.contains("\"auth\":\"none\",\"subscriptions\":2,\"queued_bytes\":0,\"delivered\":3," +
                "\"dropped\":0,\"connected_since\":\"20"), body);
            assertEquals(400, get(http, "/connections?limit=0").statusCode());
        }
    }

    @Test
    void dashboardIsServedFromTheJar() throws Exception
    {
        final HttpResponse<String> page = get(http, "/dashboard");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        assertTrue(page.body().contains("<title>mist dashboard</title>") && page.body().contains("fetch('/metrics')"));
        assertTrue(get(http, "/metrics").body().contains("\nmist_uptime_seconds "));
    }

    @Test
    void healthForOrchestrators() throws Exception
    {
        for (final String path : new String[] { "/health", "/health/live", "/health/ready" })
        {
            final HttpResponse<String> health = get(http, path);
            assertEquals(200, health.statusCode(), path);
            assertEquals("{\"status\":\"ok\"}\n", health.body(), path);
        }
    }

    @Test
    void publishWithAJsonBodyReachesSubscribers() throws Exception
    {
        try (TestClient subscriber = fixture.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"json\"]}").sync();
            final HttpResponse<String> accepted = post(http, "/publish", "application/json",
                "{\"tags\":[\"json\",\"b\"],\"data\":\"hello <http>\"}");
            assertEquals(202, accepted.statusCode());
            subscriber.expect("{\"command\":\"publish\",\"tags\":[\"b\",\"json\"],\"data\":\"hello \\u003chttp\\u003e\"}");
            assertEquals(202, post(http, "/publish", null, "{\"command\":\"publish\",\"tags\":[\"json\"]}").statusCode());
            subscriber.expect("{\"command\":\"publish\",\"tags\":[\"json\"]}");
        }
    }

    @Test
    void publishWithQueryOrFormParameters() throws Exception
    {
        try (TestClient subscriber = fixture.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"q\"]}").sync();
            assertEquals(202, post(http, "/publish?tags=q,r&data=" + URLEncoder.encode("a b&c", StandardCharsets.UTF_8),
                null, "").statusCode());
            subscriber.expect("{\"command\":\"publish\",\"tags\":[\"q\",\"r\"],\"data\":\"a b\\u0026c\"}");
            assertEquals(202, post(http, "/publish?tags=q&tags=s&data=x", null, "").statusCode());
            subscriber.expect("{\"command\":\"publish\",\"tags\":[\"q\",\"s\"],\"data\":\"x\"}");
            assertEquals(202, post(http, "/publish", "application/x-www-form-urlencoded", "tags=q&data=form%21")
                .statusCode());
            subscriber.expect("{\"command\":\"publish\",\"tags\":[\"q\"],\"data\":\"form!\"}");
        }
    }

    @Test
    void httpPublishReachesWebSocketSubscribersOnTheHttpListener() throws Exception
    {
        try (WsTestClient browser = WsTestClient.connect(URI.create("ws://" + http.getAuthority() +
            "/subscribe/websocket")))
        {
            browser.send("{\"command\":\"subscribe\",\"tags\":[\"web\"]}").sync();
            assertEquals(202, post(http, "/publish", "application/json", "{\"tags\":[\"web\"],\"data\":\"1\"}")
                .statusCode());
            browser.expect("{\"command\":\"publish\",\"tags\":[\"web\"],\"data\":\"1\"}");
        }
    }

    @Test
    void badPublishesAreRefusedWithAJsonError() throws Exception
    {
        try (TestClient subscriber = fixture.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"bad\"]}").sync();
            assertError(post(http, "/publish", "application/json", "{\"tags\":\"bad\",\"data\":\"x\"}"), 400,
                "invalid message: 'tags' must be an array of strings");
            assertError(post(http, "/publish", "application/json", "{\"tags\":[\"bad\"],"), 400, "invalid JSON");
            assertError(post(http, "/publish", "application/json", "{\"data\":\"no tags\"}"), 400,
                "invalid message: 'tags' must hold at least one tag");
            assertError(post(http, "/publish", null, ""), 400, "invalid message: 'tags' must hold at least one tag");
            assertError(post(http, "/publish", "application/json",
                "{\"command\":\"subscribe\",\"tags\":[\"bad\"]}"), 400, "invalid message: /publish takes a 'publish' message");
            final HttpResponse<String> wrongMethod = get(http, "/publish");
            assertEquals(405, wrongMethod.statusCode());
            assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""));
            subscriber.expectSilenceFor(100);
        }
    }

    @Test
    void oversizedBodiesAndMessagesAreRefused() throws Exception
    {
        try (ServerFixture small = new ServerFixture(AccessControl.OPEN, new TransportConfig(1024, 1),
            "http://127.0.0.1:0"))
        {
            final HttpResponse<String> tooLarge = post(small.uri("http"), "/publish", "application/json",
                "{\"tags\":[\"a\"],\"data\":\"" + "x".repeat(2000) + "\"}");
            assertEquals(413, tooLarge.statusCode());
        }
    }

    @Test
    void tokenIsRequiredWhenAuthIsOn() throws Exception
    {
        try (ServerFixture secured = new ServerFixture(new TokenGate("secret"), "http://127.0.0.1:0"))
        {
            final URI base = secured.uri("http");
            final String body = "{\"tags\":[\"t\"],\"data\":\"x\"}";
            assertEquals(401, post(base, "/publish", "application/json", body).statusCode());
            assertEquals(401, post(base, "/publish?x-auth-token=nope", "application/json", body).statusCode());
            assertEquals(202, post(base, "/publish?x-auth-token=secret", "application/json", body).statusCode());
            final HttpResponse<String> withHeader = CLIENT.send(HttpRequest.newBuilder(base.resolve("/publish"))
                .header("X-AUTH-TOKEN", "secret").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, withHeader.statusCode());
            assertEquals(200, get(base, "/ping").statusCode(), "ping and health stay open for probes");
            assertEquals(200, get(base, "/health").statusCode());
        }
    }

    private static void assertError(final HttpResponse<String> response, final int status, final String error)
    {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(response.body().startsWith("{\"command\":\"publish\",\"error\":\"" + error), response.body());
        assertTrue(response.body().endsWith("\"}\n"), response.body());
    }
}
