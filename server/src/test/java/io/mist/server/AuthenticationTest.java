package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authentication end to end with the memory authenticator: the master token's admin mode and mist's admin session
 * over TCP, restricted tokens on TCP, WebSocket and HTTP, changes to a token applied to its open connections at
 * once, wrong and missing tokens on every listener, and {@code --allow-anonymous}.
 */
class AuthenticationTest
{
    private static final String MASTER = "M4ST3R";

    static ServerFixture start(final String authenticator, final boolean allowAnonymous) throws StartupException
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0"),
            ListenerUri.parse("ws://127.0.0.1:0"), ListenerUri.parse("http://127.0.0.1:0")), LogLevel.INFO,
            new EngineConfig(1024, EngineConfig.DEFAULT_WAIT_STRATEGY, EngineConfig.DEFAULT_CLIENT_BUFFER_SIZE),
            new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 2), null, null, authenticator, MASTER,
            allowAnonymous);
        return new ServerFixture(new MistServer(config).start());
    }

    static TestClient admin(final ServerFixture fixture) throws Exception
    {
        final TestClient admin = fixture.connect();
        admin.send("{\"command\":\"auth\",\"data\":\"" + MASTER + "\"}");
        admin.sync(); // auth never replies, as mist: the pong is the handshake (the Go client's way)
        return admin;
    }

    @Test
    void adminSessionOfTheSpecOverTcp() throws Exception
    {
        try (ServerFixture fixture = start("memory://", false); TestClient c = admin(fixture))
        {
            c.send("{\"command\":\"tags\",\"data\":\"t1\"}");
            c.expect("{\"command\":\"tags\",\"error\":\"Token not found\\n\"}");
            c.send("{\"command\":\"register\",\"tags\":[\"x\",\"y\",\"x\"],\"data\":\"t1\"}");
            c.send("{\"command\":\"register\",\"tags\":[\"x\"],\"data\":\"t1\"}");
            c.expect("{\"command\":\"register\",\"error\":\"Token already exists\\n\"}");
            c.send("{\"command\":\"tags\",\"data\":\"t1\"}");
            c.expect("{\"command\":\"tags\",\"tags\":[\"x\",\"y\"]}");
            c.send("{\"command\":\"unset\",\"tags\":[\"x\",\"y\",\"q\"],\"data\":\"t1\"}");
            c.send("{\"command\":\"tags\",\"data\":\"t1\"}");
            c.expect("{\"command\":\"tags\"}");
            c.send("{\"command\":\"unregister\",\"data\":\"t1\"}");
            c.send("{\"command\":\"unregister\",\"data\":\"t1\"}");
            c.send("{\"command\":\"set\",\"tags\":[\"x\"],\"data\":\"t1\"}");
            c.expect("{\"command\":\"set\",\"error\":\"Token not found\\n\"}");
            c.sync(); // replies kept their places: nothing else was queued
            // The basic commands work too, unrestricted.
            c.send("{\"command\":\"listall\"}");
            c.expect("{\"command\":\"listall\"}");
        }
    }

    @Test
    void adminRepliesKeepTheConnectionsOrder() throws Exception
    {
        try (ServerFixture fixture = start("memory://", false); TestClient c = admin(fixture))
        {
            // Sent in one write: the admin command's reply comes from another thread, yet precedes the pong.
            c.sendRaw("{\"command\":\"tags\",\"data\":\"none\"}\n{\"command\":\"ping\"}\n" +
                "{\"command\":\"register\",\"data\":\"r\"}{\"command\":\"register\",\"data\":\"r\"}{\"command\":\"ping\"}\n");
            c.expect("{\"command\":\"tags\",\"error\":\"Token not found\\n\"}");
            c.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
            c.expect("{\"command\":\"register\",\"error\":\"Token already exists\\n\"}");
            c.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
        }
    }

    @Test
    void wrongOrMissingTokenClosesTcpWithoutAWord() throws Exception
    {
        // mist's Go client and CLI send auth, then ping, and take any reply for success: a refusal must be a close.
        try (ServerFixture fixture = start("memory://", false))
        {
            try (TestClient c = fixture.connect())
            {
                c.send("{\"command\":\"auth\",\"data\":\"nope\"}");
                c.send("{\"command\":\"ping\"}");
                c.expectClosed();
            }
            try (TestClient c = fixture.connect())
            {
                c.send("{\"command\":\"ping\"}");
                c.expectClosed();
            }
            try (TestClient c = fixture.connect())
            {
                c.sendRaw("ping\n"); // the legacy text protocol has no way to authenticate
                assertTrue(c.read().startsWith("error Unauthorized"));
                c.expectClosed();
            }
            assertEquals(2, ((io.mist.auth.TokenRegistry)fixture.server.access()).failedAttempts(),
                "the two JSON attempts were counted (the legacy one never made an attempt)");
            assertTrue(fixture.server.metrics().prometheus().contains("\nmist_auth_failures_total 2\n"),
                "and /metrics shows them");
        }
    }

    @Test
    void mistsSpellingsWithoutSlashesStartTheServer(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws Exception
    {
        for (final String authenticator : new String[] {"memory:", "scribble:?db=" + dir})
        {
            try (ServerFixture fixture = start(authenticator, false); TestClient admin = admin(fixture))
            {
                admin.send("{\"command\":\"register\",\"tags\":[\"a\"],\"data\":\"t\"}");
                admin.send("{\"command\":\"tags\",\"data\":\"t\"}");
                admin.expect("{\"command\":\"tags\",\"tags\":[\"a\"]}");
            }
        }
        assertTrue(java.nio.file.Files.exists(dir.resolve("tokens/t.json")));
    }

    @Test
    void aFirstMessageCarryingTheTokenAuthenticatesAndRuns() throws Exception
    {
        for (final boolean allowAnonymous : new boolean[] {false, true})
        {
            try (ServerFixture fixture = start("memory://", allowAnonymous); TestClient admin = admin(fixture))
            {
                admin.send("{\"command\":\"register\",\"tags\":[\"room\"],\"data\":\"guest\"}").sync();
                try (TestClient pinger = fixture.connect(); TestClient subscriber = fixture.connect();
                    TestClient guest = fixture.connect())
                {
                    pinger.send("{\"command\":\"ping\",\"data\":\"" + MASTER + "\"}");
                    pinger.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
                    pinger.send("{\"command\":\"tags\",\"data\":\"guest\"}");
                    pinger.expect("{\"command\":\"tags\",\"tags\":[\"room\"]}"); // admin mode came with it

                    subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"news\"],\"data\":\"" + MASTER + "\"}");
                    subscriber.sync();
                    guest.send("{\"command\":\"subscribe\",\"tags\":[\"room\"],\"data\":\"guest\"}");
                    guest.sync();
                    admin.send("{\"command\":\"publish\",\"tags\":[\"news\"],\"data\":\"n\"}");
                    admin.send("{\"command\":\"publish\",\"tags\":[\"room\"],\"data\":\"r\"}");
                    subscriber.expect("{\"command\":\"publish\",\"tags\":[\"news\"],\"data\":\"n\"}");
                    guest.expect("{\"command\":\"publish\",\"tags\":[\"room\"],\"data\":\"r\"}");
                    guest.send("{\"command\":\"publish\",\"tags\":[\"news\"],\"data\":\"x\"}");
                    assertTrue(guest.read().contains("Forbidden"), "the first message's token restricts the guest");
                }
            }
        }
    }

    @Test
    void onlyTheFirstMessageAuthenticates() throws Exception
    {
        try (ServerFixture fixture = start("memory://", true); TestClient admin = admin(fixture);
            TestClient anonymous = fixture.connect())
        {
            anonymous.sync();
            anonymous.send("{\"command\":\"auth\",\"data\":\"" + MASTER + "\"}"); // a later auth: a no-op
            anonymous.send("{\"command\":\"register\",\"data\":\"mine\"}");
            anonymous.expect("{\"command\":\"register\",\"error\":\"Forbidden - admin commands need the master token\"}");
            for (int i = 0; i < 5; i++)
            {
                anonymous.send("{\"command\":\"auth\",\"data\":\"guess-" + i + "\"}");
            }
            anonymous.sync(); // no reply, no close, and no guess was even checked
            assertEquals(0, ((io.mist.auth.TokenRegistry)fixture.server.access()).failedAttempts());
            admin.send("{\"command\":\"auth\",\"data\":\"wrong\"}"); // nor does a later one take admin mode away
            admin.send("{\"command\":\"tags\",\"data\":\"mine\"}");
            admin.expect("{\"command\":\"tags\",\"error\":\"Token not found\\n\"}");
        }
    }

    @Test
    void adminCommandsWithoutTheMasterToken() throws Exception
    {
        try (ServerFixture fixture = start("memory://", true); TestClient admin = admin(fixture);
            TestClient anonymous = fixture.connect())
        {
            admin.send("{\"command\":\"register\",\"tags\":[\"a\"],\"data\":\"user\"}").sync();
            anonymous.send("{\"command\":\"register\",\"data\":\"mine\"}");
            anonymous.expect("{\"command\":\"register\",\"error\":\"Forbidden - admin commands need the master token\"}");
            try (TestClient restricted = fixture.connect())
            {
                restricted.send("{\"command\":\"auth\",\"data\":\"user\"}");
                restricted.send("{\"command\":\"tags\",\"data\":\"user\"}");
                restricted.expect("{\"command\":\"tags\",\"error\":\"Forbidden - admin commands need the master token\"}");
            }
        }
    }

    @Test
    void restrictedTokenOnTcpAndChangesApplyAtOnce() throws Exception
    {
        try (ServerFixture fixture = start("memory://", false); TestClient admin = admin(fixture);
            TestClient peer = admin(fixture))
        {
            admin.send("{\"command\":\"register\",\"tags\":[\"user:7\"],\"data\":\"browser-7\"}").sync();
            try (TestClient user = fixture.connect())
            {
                user.send("{\"command\":\"auth\",\"data\":\"browser-7\"}").sync();
                // Subscriptions must hold a granted tag; every delivery then carries one.
                user.send("{\"command\":\"subscribe\",\"tags\":[\"news\"]}");
                user.expect("{\"command\":\"subscribe\",\"error\":\"Forbidden - this token may subscribe only to tag " +
                    "sets holding one of the tags it was granted\"}");
                user.send("{\"command\":\"subscribe\",\"tags\":[\"user:7\",\"news\"]}");
                user.send("{\"command\":\"subscribe\",\"tags\":[\"user:7\"]}").sync();
                // Publishes only to granted tags, all of them.
                user.send("{\"command\":\"publish\",\"tags\":[\"user:7\",\"news\"],\"data\":\"x\"}");
                user.expect("{\"command\":\"publish\",\"error\":\"Forbidden - this token may publish only to tags it " +
                    "was granted\"}");
                peer.send("{\"command\":\"subscribe\",\"tags\":[\"user:7\"]}").sync();
                user.send("{\"command\":\"publish\",\"tags\":[\"user:7\"],\"data\":\"mine\"}").sync();
                peer.expect("{\"command\":\"publish\",\"tags\":[\"user:7\"],\"data\":\"mine\"}");
                // Other clients' tags are not for it to see.
                user.send("{\"command\":\"listall\"}");
                user.expect("{\"command\":\"listall\",\"error\":\"Forbidden - not with a restricted token\"}");

                // set: allowed at once.
                admin.send("{\"command\":\"set\",\"tags\":[\"news\"],\"data\":\"browser-7\"}").sync();
                user.send("{\"command\":\"publish\",\"tags\":[\"news\",\"user:7\"],\"data\":\"now ok\"}");
                peer.expect("{\"command\":\"publish\",\"tags\":[\"news\",\"user:7\"],\"data\":\"now ok\"}");
                user.sync();

                // unset: subscriptions without a granted tag are dropped at once.
                admin.send("{\"command\":\"unset\",\"tags\":[\"user:7\"],\"data\":\"browser-7\"}").sync();
                user.sync();
                user.send("{\"command\":\"list\"}");
                user.expect("{\"command\":\"list\",\"data\":\"news,user:7\"}");
                peer.send("{\"command\":\"publish\",\"tags\":[\"user:7\"],\"data\":\"gone\"}").sync();
                user.expectSilenceFor(200);

                // unregister: its connections are closed.
                admin.send("{\"command\":\"unregister\",\"data\":\"browser-7\"}").sync();
                user.expect("{\"command\":\"auth\",\"error\":\"Unauthorized - the token was unregistered\"}");
                user.expectClosed();
            }
        }
    }

    @Test
    void restrictedTokenOnWebSocketAndHttp() throws Exception
    {
        try (ServerFixture fixture = start("memory://", false); TestClient admin = admin(fixture))
        {
            admin.send("{\"command\":\"register\",\"tags\":[\"room:1\"],\"data\":\"guest\"}");
            admin.send("{\"command\":\"subscribe\",\"tags\":[\"room:1\"]}").sync();
            final URI ws = URI.create(fixture.uri("ws") + "/subscribe/websocket");
            final HttpClient http = HttpClient.newHttpClient();
            try (WsTestClient guest = WsTestClient.connect(http, ws, Map.of("X-AUTH-TOKEN", "guest")))
            {
                guest.send("{\"command\":\"subscribe\",\"tags\":[\"room:2\"]}");
                guest.expect("{\"command\":\"subscribe\",\"error\":\"Forbidden - this token may subscribe only to tag " +
                    "sets holding one of the tags it was granted\"}");
                guest.send("{\"command\":\"publish\",\"tags\":[\"room:2\"],\"data\":\"x\"}");
                guest.expect("{\"command\":\"publish\",\"error\":\"Forbidden - this token may publish only to tags it " +
                    "was granted\"}");
                guest.send("{\"command\":\"register\",\"data\":\"more\"}");
                guest.expect("{\"command\":\"register\",\"error\":\"Forbidden - admin commands need the master token\"}");
                guest.send("{\"command\":\"publish\",\"tags\":[\"room:1\"],\"data\":\"hi\"}").sync();
                admin.expect("{\"command\":\"publish\",\"tags\":[\"room:1\"],\"data\":\"hi\"}");
            }
            final URI base = fixture.uri("http");
            assertEquals(202, publish(http, base, "guest", "{\"tags\":[\"room:1\"],\"data\":\"via http\"}"));
            admin.expect("{\"command\":\"publish\",\"tags\":[\"room:1\"],\"data\":\"via http\"}");
            assertEquals(403, publish(http, base, "guest", "{\"tags\":[\"room:1\",\"room:2\"],\"data\":\"x\"}"));
            assertEquals(202, publish(http, base, MASTER, "{\"tags\":[\"room:2\"],\"data\":\"admin may\"}"));
            assertEquals(401, publish(http, base, "nobody", "{\"tags\":[\"room:1\"],\"data\":\"x\"}"));
            assertEquals(401, publish(http, base, null, "{\"tags\":[\"room:1\"],\"data\":\"x\"}"));
            assertEquals(401, refusedUpgrade(http, ws, Map.of("X-AUTH-TOKEN", "nobody")));
            assertEquals(401, refusedUpgrade(http, ws, Map.of()));
            // The master token opens WebSocket admin mode.
            try (WsTestClient master = WsTestClient.connect(URI.create(ws + "?x-auth-token=" + MASTER)))
            {
                master.send("{\"command\":\"tags\",\"data\":\"guest\"}");
                master.expect("{\"command\":\"tags\",\"tags\":[\"room:1\"]}");
            }
        }
    }

    @Test
    void anonymousConnectionsWhenAllowed() throws Exception
    {
        try (ServerFixture fixture = start("memory://", true))
        {
            try (TestClient anonymous = fixture.connect(); TestClient other = fixture.connect())
            {
                anonymous.send("{\"command\":\"subscribe\",\"tags\":[\"open\"]}").sync();
                // On one line: a refused token goes unanswered, as auth always does, and the stream carries on
                // without a token.
                other.sendRaw("{\"command\":\"auth\",\"data\":\"wrong\"}{\"command\":\"publish\",\"tags\":[\"open\"]," +
                    "\"data\":\"still works\"}\n");
                anonymous.expect("{\"command\":\"publish\",\"tags\":[\"open\"],\"data\":\"still works\"}");
                other.sync();
                other.send("{\"command\":\"tags\",\"data\":\"x\"}");
                assertTrue(other.read().contains("Forbidden"), "a wrong token opened no admin mode");
                assertEquals(1, ((io.mist.auth.TokenRegistry)fixture.server.access()).failedAttempts(),
                    "the wrong token was counted; the anonymous subscribe's data was not taken for a token");
            }
            try (TestClient legacy = fixture.connect())
            {
                legacy.sendRaw("ping\n");
                legacy.expect("pong");
            }
            final HttpClient http = HttpClient.newHttpClient();
            assertEquals(202, publish(http, fixture.uri("http"), null, "{\"tags\":[\"open\"],\"data\":\"x\"}"));
            assertEquals(401, publish(http, fixture.uri("http"), "wrong", "{\"tags\":[\"open\"],\"data\":\"x\"}"));
            try (WsTestClient ws = WsTestClient.connect(URI.create(fixture.uri("ws") + "/subscribe/websocket")))
            {
                ws.sync();
            }
        }
    }

    @Test
    void connectionsNeedTheMasterToken() throws Exception
    {
        final HttpClient http = HttpClient.newHttpClient();
        for (final boolean allowAnonymous : new boolean[] {false, true})
        {
            try (ServerFixture fixture = start("memory://", allowAnonymous); TestClient admin = admin(fixture))
            {
                admin.send("{\"command\":\"register\",\"tags\":[\"a\"],\"data\":\"user\"}").sync();
                final URI connections = URI.create(fixture.uri("http") + "/connections");
                assertEquals(allowAnonymous ? 403 : 401, status(http, connections, null));
                assertEquals(401, status(http, connections, "wrong"));
                assertEquals(403, status(http, connections, "user"));
                final HttpResponse<String> report = http.send(HttpRequest.newBuilder(connections)
                    .header("X-AUTH-TOKEN", MASTER).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, report.statusCode());
                assertTrue(report.body().contains("\"auth\":\"admin\""), report.body());
                assertTrue(!report.body().contains(MASTER), "never the token");
            }
        }
    }

    private static int status(final HttpClient http, final URI uri, final String token) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (token != null)
        {
            request.header("X-AUTH-TOKEN", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static int publish(final HttpClient http, final URI base, final String token, final String body)
        throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/publish"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null)
        {
            request.header("X-AUTH-TOKEN", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static int refusedUpgrade(final HttpClient http, final URI uri, final Map<String, String> headers)
    {
        final ExecutionException failure = assertThrows(ExecutionException.class,
            () -> WsTestClient.connect(http, uri, headers).close());
        return assertInstanceOf(WebSocketHandshakeException.class, failure.getCause()).getResponse().statusCode();
    }
}
