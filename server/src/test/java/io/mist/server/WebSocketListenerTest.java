package io.mist.server;

import io.mist.auth.AccessControl;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The WebSocket listener against the JDK's WebSocket client, with TCP clients on the same engine. */
class WebSocketListenerTest
{
    private static ServerFixture fixture;
    private static URI ws;

    @BeforeAll
    static void start() throws StartupException
    {
        fixture = new ServerFixture(AccessControl.OPEN, "tcp://127.0.0.1:0", "ws://127.0.0.1:0");
        ws = fixture.uri("ws").resolve("/subscribe/websocket");
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    @Test
    void pingIsAnsweredWithATextFrameEndingInANewline() throws Exception
    {
        try (WsTestClient c = WsTestClient.connect(ws))
        {
            c.send("{\"command\":\"ping\"}");
            assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}\n", c.read());
        }
    }

    @Test
    void webSocketSubscriberGetsTcpPublishesAndTheReverse() throws Exception
    {
        try (WsTestClient browser = WsTestClient.connect(ws); TestClient tcp = fixture.connect())
        {
            browser.send("{\"command\":\"subscribe\",\"tags\":[\"hello\",\"world\"]}").sync();
            tcp.send("{\"command\":\"subscribe\",\"tags\":[\"back\"]}").sync();

            tcp.send("{\"command\":\"publish\",\"tags\":[\"world\",\"hello\",\"x\"],\"data\":\"from tcp <3\"}");
            browser.expect("{\"command\":\"publish\",\"tags\":[\"hello\",\"world\",\"x\"],\"data\":\"from tcp \\u003c3\"}");

            browser.send("{\"command\":\"publish\",\"tags\":[\"back\"],\"data\":\"from ws\"}");
            tcp.expect("{\"command\":\"publish\",\"tags\":[\"back\"],\"data\":\"from ws\"}");
            browser.expectSilenceFor(100); // never its own publish
        }
    }

    @Test
    void listAndUnsubscribeWorkAsOnTcp() throws Exception
    {
        try (WsTestClient c = WsTestClient.connect(ws))
        {
            c.send("{\"command\":\"subscribe\",\"tags\":[\"a\"]}");
            c.send("{\"command\":\"list\"}");
            c.expect("{\"command\":\"list\",\"data\":\"a\"}");
            c.send("{\"command\":\"unsubscribe\",\"tags\":[\"a\"]}");
            c.send("{\"command\":\"list\"}");
            c.expect("{\"command\":\"list\"}");
        }
    }

    @Test
    void unknownCommandIsNotEchoedOnWebSocket() throws Exception
    {
        try (WsTestClient c = WsTestClient.connect(ws))
        {
            c.send("{\"command\":\"foo\",\"tags\":[\"a\"],\"data\":\"x\"}");
            c.expect("{\"command\":\"foo\",\"error\":\"Unknown Command\"}");
        }
    }

    @Test
    void onlyTheFirstJsonValueOfAMessageCounts() throws Exception
    {
        try (WsTestClient c = WsTestClient.connect(ws))
        {
            c.send("{\"command\":\"ping\"} {\"command\":\"list\"}");
            c.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
            c.expectSilenceFor(100);
        }
    }

    @Test
    void badMessagesGetAnErrorAndTheConnectionStaysUp() throws Exception
    {
        try (WsTestClient c = WsTestClient.connect(ws))
        {
            c.send("{\"command\":\"publish\",\"tags\":\"a\"}");
            c.expect("{\"command\":\"publish\",\"error\":\"invalid message: 'tags' must be an array of strings\"}");
            c.send("   ");
            c.expect("{\"command\":\"\",\"error\":\"invalid message: empty WebSocket message\"}");
            c.send("{\"command\":\"ping\"");
            assertEquals(true, c.read().contains("\"error\":\"invalid JSON"));
            c.sync();
        }
    }

    @Test
    void binaryAndFragmentedMessagesAreAccepted() throws Exception
    {
        try (WsTestClient c = WsTestClient.connect(ws))
        {
            c.socket.sendBinary(ByteBuffer.wrap("{\"command\":\"ping\"}".getBytes(StandardCharsets.UTF_8)), true)
                .get(5, TimeUnit.SECONDS);
            c.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
            c.socket.sendText("{\"command\":", false).get(5, TimeUnit.SECONDS);
            c.socket.sendText("\"ping\"}", true).get(5, TimeUnit.SECONDS);
            c.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
        }
    }

    @Test
    void controlFramesPingAndClose() throws Exception
    {
        final WsTestClient c = WsTestClient.connect(ws);
        final byte[] payload = { 1, 2, 3 };
        c.socket.sendPing(ByteBuffer.wrap(payload)).get(5, TimeUnit.SECONDS);
        final ByteBuffer pong = c.pong.get(5, TimeUnit.SECONDS);
        final byte[] echoed = new byte[pong.remaining()];
        pong.get(echoed);
        assertArrayEquals(payload, echoed);
        c.socket.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
        assertEquals(1000, c.awaitClose());
    }

    @Test
    void aMessageOverTheFrameLimitClosesWith1009() throws Exception
    {
        try (ServerFixture small = new ServerFixture(AccessControl.OPEN, new TransportConfig(1024, 1), "ws://127.0.0.1:0");
            WsTestClient c = WsTestClient.connect(small.uri("ws").resolve("/subscribe/websocket")))
        {
            c.send("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"" + "x".repeat(2000) + "\"}");
            assertEquals(1009, c.awaitClose());
        }
    }

    @Test
    void subscribersOnBothListenersShareOneIndex() throws Exception
    {
        try (WsTestClient a = WsTestClient.connect(ws); WsTestClient b = WsTestClient.connect(ws);
            TestClient publisher = fixture.connect())
        {
            a.send("{\"command\":\"subscribe\",\"tags\":[\"shared\"]}").sync();
            b.send("{\"command\":\"subscribe\",\"tags\":[\"shared\",\"two\"]}").sync();
            publisher.send("{\"command\":\"publish\",\"tags\":[\"shared\"],\"data\":\"1\"}");
            publisher.send("{\"command\":\"publish\",\"tags\":[\"two\",\"shared\"],\"data\":\"2\"}");
            a.expect("{\"command\":\"publish\",\"tags\":[\"shared\"],\"data\":\"1\"}");
            a.expect("{\"command\":\"publish\",\"tags\":[\"shared\",\"two\"],\"data\":\"2\"}");
            b.expect("{\"command\":\"publish\",\"tags\":[\"shared\",\"two\"],\"data\":\"2\"}");
            publisher.send("{\"command\":\"listall\"}");
            publisher.expect("{\"command\":\"listall\",\"data\":\"shared two\"}");
        }
    }

    @Test
    void routesAsMist() throws Exception
    {
        final HttpClient http = HttpClient.newHttpClient();
        final URI base = fixture.uri("ws");
        // Prefix match, as mist's router; and mist README's /ws path.
        try (WsTestClient c = WsTestClient.connect(base.resolve("/subscribe/websocket/x?y=1")))
        {
            c.sync();
        }
        try (WsTestClient c = WsTestClient.connect(base.resolve("/ws")))
        {
            c.sync();
        }
        final URI httpBase = URI.create("http://" + base.getAuthority());
        final HttpResponse<String> plain = http.send(HttpRequest.newBuilder(httpBase.resolve("/subscribe/websocket"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, plain.statusCode());
        assertEquals("Bad Request\n", plain.body());
        assertEquals("13", plain.headers().firstValue("Sec-WebSocket-Version").orElse(""));
        final HttpResponse<String> other = http.send(HttpRequest.newBuilder(httpBase.resolve("/ping")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode(), "the ws listener serves only the WebSocket endpoint, as mist");
        assertEquals("404 page not found\n", other.body());
        assertEquals("HTTP/1.1 400 Bad Request", rawRequest(base.getPort(), "GET /subscribe/websocket HTTP/1.1\r\n" +
            "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"),
            "an upgrade without Sec-WebSocket-Key");
        assertEquals("HTTP/1.1 400 Bad Request", rawRequest(base.getPort(), "GET /subscribe/websocket?%zz HTTP/1.1\r\n" +
            "Host: 127.0.0.1\r\n\r\n"), "a malformed URI");
    }

    /** Sends a hand-written request; returns the status line of the answer. */
    private static String rawRequest(final int port, final String request) throws Exception
    {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port))
        {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void tokenIsCheckedBeforeTheUpgrade() throws Exception
    {
        try (ServerFixture secured = new ServerFixture(new TokenGate("secret"), "ws://127.0.0.1:0"))
        {
            final URI endpoint = secured.uri("ws").resolve("/subscribe/websocket");
            final HttpClient http = HttpClient.newHttpClient();
            assertEquals(401, refusedStatus(http, endpoint, Map.of()));
            assertEquals(401, refusedStatus(http, endpoint, Map.of("X-AUTH-TOKEN", "wrong")));
            assertEquals(401, refusedStatus(http, URI.create(endpoint + "?x-auth-token=wrong"), Map.of()));
            // A wrong header is not overridden by a right query parameter (as mist).
            assertEquals(401, refusedStatus(http, URI.create(endpoint + "?x-auth-token=secret"),
                Map.of("X-AUTH-TOKEN", "wrong")));
            try (WsTestClient c = WsTestClient.connect(http, endpoint, Map.of("x-auth-token", "secret")))
            {
                c.sync();
            }
            try (WsTestClient c = WsTestClient.connect(URI.create(endpoint + "?x-auth-token=secret")))
            {
                c.sync();
            }
        }
    }

    @Test
    void originsCanBeRestricted() throws Exception
    {
        try (ServerFixture strict = new ServerFixture(AccessControl.OPEN, new TransportConfig(
            TransportConfig.DEFAULT_MAX_FRAME_SIZE, 1, List.of("https://app.example.com")), "ws://127.0.0.1:0"))
        {
            final URI endpoint = strict.uri("ws").resolve("/subscribe/websocket");
            final HttpClient http = HttpClient.newHttpClient();
            assertEquals(403, refusedStatus(http, endpoint, Map.of("Origin", "https://evil.example.com")));
            try (WsTestClient c = WsTestClient.connect(http, endpoint, Map.of("Origin", "https://APP.example.com")))
            {
                c.sync();
            }
            try (WsTestClient c = WsTestClient.connect(endpoint))
            {
                c.sync(); // no Origin: not a browser
            }
        }
    }

    private static int refusedStatus(final HttpClient http, final URI uri, final Map<String, String> headers)
    {
        final ExecutionException failure = assertThrows(ExecutionException.class,
            () -> WsTestClient.connect(http, uri, headers).close());
        final WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class,
            failure.getCause());
        return refused.getResponse().statusCode();
    }
}
