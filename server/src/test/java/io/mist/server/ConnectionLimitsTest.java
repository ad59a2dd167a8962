package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.transport.ConnectionLimits;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --max-connections, --max-connections-per-ip, --handshake-timeout and --idle-timeout over real sockets. */
class ConnectionLimitsTest
{
    private static final String PONG = "{\"command\":\"ping\",\"data\":\"pong\"}";

    private static MistServer start(final ConnectionLimits limits, final String authenticator) throws Exception
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0"),
            ListenerUri.parse("http://127.0.0.1:0")), LogLevel.INFO, EngineConfig.defaults(),
            TransportConfig.defaults().withConnectionLimits(limits), null, null, authenticator,
            authenticator == null ? null : "M4ST3R", false);
        return new MistServer(config).start();
    }

    @Test
    void aListenerRefusesConnectionsBeyondItsLimitWithAnErrorLine() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture(start(new ConnectionLimits(2, 0, Duration.ZERO, Duration.ZERO),
            null));
             TestClient first = fixture.connect();
             TestClient second = fixture.connect())
        {
            first.send("{\"command\":\"ping\"}");
            first.expect(PONG);
            second.send("{\"command\":\"ping\"}");
            second.expect(PONG);
            try (TestClient third = fixture.connect())
            {
                third.expect("{\"command\":\"\",\"error\":\"Too many connections - the limit is 2 " +
                    "(--max-connections)\"}");
                third.expectClosed();
            }
            assertTrue(fixture.server.metrics().prometheus()
                .contains("\nmist_connections_refused_total{reason=\"max_connections\"} 1\n"));
            first.close();
            awaitConnections(fixture, "tcp", 1);
            try (TestClient again = fixture.connect())
            {
                again.send("{\"command\":\"ping\"}");
                again.expect(PONG);
            }
        }
    }

    @Test
    void oneAddressMayHoldOnlyItsShareAndHttpGetsA503() throws Exception
    {
        try (MistServer server = start(new ConnectionLimits(0, 1, Duration.ZERO, Duration.ZERO), null);
             Socket first = connect(server, "http"))
        {
            send(first, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(readSome(first).startsWith("HTTP/1.1 200 OK"));
            try (Socket second = connect(server, "http"))
            {
                final String refused = readAll(second);
                assertTrue(refused.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), refused);
                assertTrue(refused.endsWith("Too many connections from 127.0.0.1 - the limit is 1 " +
                    "(--max-connections-per-ip)\n"), refused);
            }
            final String metrics = server.metrics().prometheus();
            assertTrue(metrics.contains("\nmist_connections_refused_total{reason=\"max_connections_per_ip\"} 1\n") &&
                metrics.contains("\nmist_connections_refused_total{reason=\"max_connections\"} 0\n"), metrics);
        }
    }

    @Test
    void aSilentHttpConnectionIsClosedAtTheHandshakeTimeoutButAnAnsweredOneStays() throws Exception
    {
        try (MistServer server = start(new ConnectionLimits(0, 0, Duration.ofMillis(300), Duration.ZERO), null);
             Socket silent = connect(server, "http");
             Socket talking = connect(server, "http"))
        {
            send(talking, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(readSome(talking).startsWith("HTTP/1.1 200 OK"));
            final long start = System.nanoTime();
            assertEquals("", readAll(silent), "closed without a reply");
            final long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= 200 && waited < 5_000, "closed after " + waited + " ms");
            Thread.sleep(300);
            send(talking, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(readSome(talking).startsWith("HTTP/1.1 200 OK"), "keep-alive connection still served");
        }
    }

    @Test
    void dialectSubscribersOutliveTheHandshakeTimeout() throws Exception
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0"),
            ListenerUri.parse("isimud://127.0.0.1:0"), ListenerUri.parse("msgbus://127.0.0.1:0")), LogLevel.INFO,
            EngineConfig.defaults(), TransportConfig.defaults().withConnectionLimits(new ConnectionLimits(0, 0,
            Duration.ofMillis(300), Duration.ZERO))).withIsimud("pw", true);
        try (ServerFixture fixture = new ServerFixture(new MistServer(config).start());
             TestClient publisher = fixture.connect())
        {
            final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            final TextFrames isimud = new TextFrames();
            final java.net.http.WebSocket sub = http.newWebSocketBuilder().buildAsync(java.net.URI.create(
                "ws://127.0.0.1:" + fixture.server.firstAddress("isimud").getPort() + "/sub"), isimud).join();
            sub.sendText("{\"publisher\":\"p\",\"topic\":\"t\"}", true).join();
            final TextFrames msgbus = new TextFrames();
            final java.net.http.WebSocket topic = http.newWebSocketBuilder().buildAsync(java.net.URI.create(
                "ws://127.0.0.1:" + fixture.server.firstAddress("msgbus").getPort() + "/topic:t"), msgbus).join();
            Thread.sleep(700); // past the handshake timeout
            publisher.send("{\"command\":\"publish\",\"tags\":[\"publisher:p\",\"topic:t\"],\"data\":\"x\"}")
                .sync();
            assertEquals("x", isimud.next(), "the isimud subscriber is still there");
            assertTrue(msgbus.next().startsWith("{\"id\":0,"), "the msgbus subscriber is still there");
            sub.abort();
            topic.abort();
        }
    }

    @Test
    void withAnAuthenticatorATcpConnectionMustSendItsTokenInTime() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture(start(new ConnectionLimits(0, 0, Duration.ofMillis(300),
            Duration.ZERO), "memory://"));
             TestClient silent = fixture.connect();
             TestClient authenticated = fixture.connect())
        {
            authenticated.send("{\"command\":\"auth\",\"data\":\"M4ST3R\"}");
            silent.expectClosed();
            authenticated.send("{\"command\":\"ping\"}");
            authenticated.expect(PONG);
        }
    }

    @Test
    void withoutAnAuthenticatorSilentTcpSubscribersAreNeverTimedOutByDefault() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture(start(new ConnectionLimits(0, 0, Duration.ofMillis(200),
            Duration.ZERO), null));
             TestClient silent = fixture.connect())
        {
            Thread.sleep(600);
            silent.send("{\"command\":\"ping\"}");
            silent.expect(PONG);
        }
    }

    @Test
    void idleTimeoutClosesOnlyConnectionsThatSendNothing() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture(start(new ConnectionLimits(0, 0, Duration.ZERO,
            Duration.ofMillis(400)), null));
             TestClient silent = fixture.connect();
             TestClient chatty = fixture.connect())
        {
            for (int i = 0; i < 8; i++)
            {
                chatty.send("{\"command\":\"ping\"}");
                chatty.expect(PONG);
                Thread.sleep(100);
            }
            silent.expectClosed();
            chatty.send("{\"command\":\"ping\"}");
            chatty.expect(PONG);
        }
    }

    private static void awaitConnections(final ServerFixture fixture, final String scheme, final int expected)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            if (fixture.server.metrics().prometheus().contains("listener=\"" + scheme + "://127.0.0.1:" +
                fixture.server.firstAddress(scheme).getPort() + "\"} " + expected + "\n"))
            {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the listener did not drop to " + expected + " connections");
    }

    private static Socket connect(final MistServer server, final String scheme) throws Exception
    {
        final InetSocketAddress address = server.firstAddress(scheme);
        final Socket socket = new Socket("127.0.0.1", address.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(final Socket socket, final String text) throws Exception
    {
        final OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** What one read returns (at least the start of a response). */
    private static String readSome(final Socket socket) throws Exception
    {
        final byte[] buffer = new byte[4096];
        final int n = socket.getInputStream().read(buffer);
        return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    /** Everything until the server closes. */
    private static String readAll(final Socket socket) throws Exception
    {
        final InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
}
