package io.mist.server;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No token ever reaches the log, at the most verbose level: the real server process with an authenticator is given
 * the master token, a registered token, and wrong tokens over TCP, WebSocket and HTTP (refused, admin commands,
 * refused admin commands), and its whole output is searched for them afterwards.
 */
class TokensNotLoggedTest
{
    private static final String MASTER = "MASTER-7f3a9c";
    private static final String REGISTERED = "REGISTERED-51be02";
    private static final String WRONG = "WRONG-c0ffee";

    @Test
    void noTokenAppearsInTheLog() throws Exception
    {
        final String all;
        try (ServerProcess process = ServerProcess.start("--server", "--listeners",
            "tcp://127.0.0.1:0,ws://127.0.0.1:0,http://127.0.0.1:0", "--authenticator", "memory://", "--token", MASTER,
            "--log-level", "trace"))
        {
            final int tcp = process.awaitPort("TCP");
            final int ws = process.awaitPort("WS");
            final int http = process.awaitPort("HTTP");
            final InetSocketAddress address = new InetSocketAddress("127.0.0.1", tcp);
            try (TestClient admin = new TestClient(address))
            {
                admin.send("{\"command\":\"auth\",\"data\":\"" + MASTER + "\"}").sync();
                admin.send("{\"command\":\"register\",\"tags\":[\"a\"],\"data\":\"" + REGISTERED + "\"}").sync();
                admin.send("{\"command\":\"register\",\"tags\":[\"a\"],\"data\":\"" + REGISTERED + "\"}");
                assertTrue(admin.read().contains("Token already exists"));
                admin.send("{\"command\":\"set\",\"tags\":[\"b\"],\"data\":\"" + REGISTERED + "\"}").sync();
                admin.send("{\"command\":\"tags\",\"data\":\"" + WRONG + "\"}");
                assertTrue(admin.read().contains("Token not found"));
                admin.send("{\"command\":\"unregister\",\"data\":\"" + WRONG + "\"}").sync();
            }
            try (TestClient user = new TestClient(address))
            {
                user.send("{\"command\":\"auth\",\"data\":\"" + REGISTERED + "\"}");
                user.send("{\"command\":\"register\",\"data\":\"" + WRONG + "\"}");
                assertTrue(user.read().contains("Forbidden"));
            }
            try (TestClient refused = new TestClient(address))
            {
                refused.send("{\"command\":\"ping\",\"data\":\"" + WRONG + "\"}");
                refused.expectClosed();
            }
            final HttpClient client = HttpClient.newHttpClient();
            final CompletionException ws401 = assertThrows(CompletionException.class, () -> client.newWebSocketBuilder()
                .header("X-AUTH-TOKEN", WRONG).buildAsync(URI.create("ws://127.0.0.1:" + ws + "/subscribe/websocket"),
                    new WebSocket.Listener() { }).join());
            assertEquals(401, ((WebSocketHandshakeException)ws401.getCause()).getResponse().statusCode());
            final HttpResponse<String> publish = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http + "/publish?x-auth-token=" + WRONG))
                .POST(HttpRequest.BodyPublishers.ofString("{\"tags\":[\"a\"],\"data\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(401, publish.statusCode());

            assertEquals(143, process.terminate(), "exit status after SIGTERM");
            all = process.log();
        }
        assertTrue(all.contains("Authentication failed"), "the refusals were logged at all:\n" + all);
        for (final String token : List.of(MASTER, REGISTERED, WRONG))
        {
            assertFalse(all.contains(token), token + " is in the log:\n" + all);
        }
    }

    @Test
    void noTokenTheAuthUrlIsAskedAboutAppearsInTheLog() throws Exception
    {
        final List<String> tokens = List.of("allow-5ec7e7", "deny-5ec7e7", "boom-5ec7e7", "slow-5ec7e7",
            "tags-a-5ec7e7");
        final String all;
        try (AuthEndpoint endpoint = new AuthEndpoint();
             ServerProcess process = ServerProcess.start("--server", "--listeners",
                 "tcp://127.0.0.1:0,ws://127.0.0.1:0,http://127.0.0.1:0,isimud://127.0.0.1:0", "--isimud-password",
                 "pw", "--auth-url", endpoint.url().toString(), "--auth-url-timeout", "500ms", "--log-level",
                 "trace"))
        {
            final InetSocketAddress address = new InetSocketAddress("127.0.0.1", process.awaitPort("TCP"));
            final int ws = process.awaitPort("WS");
            final int http = process.awaitPort("HTTP");
            final int isimud = process.awaitPort("isimud");
            final HttpClient client = HttpClient.newHttpClient();
            for (final String token : tokens)
            {
                try (TestClient tcp = new TestClient(address))
                {
                    tcp.send("{\"command\":\"ping\",\"data\":\"" + token + "\"}");
                    tcp.read(); // a pong, or the refusal's reason
                }
                catch (final java.io.IOException closed)
                {
                    // refused without a word, as mist
                }
                client.newWebSocketBuilder().header("X-AUTH-TOKEN", token).buildAsync(URI.create("ws://127.0.0.1:" +
                    ws + "/subscribe/websocket"), new WebSocket.Listener() { }).handle((socket, failure) ->
                {
                    if (socket != null)
                    {
                        socket.abort();
                    }
                    return null;
                }).join();
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/publish"))
                    .header("X-AUTH-TOKEN", token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tags\":[\"a\"],\"data\":\"x\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + isimud + "/sub"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            }
            assertTrue(endpoint.requests("deny-5ec7e7") >= 1, "the URL was asked");
            assertEquals(143, process.terminate(), "exit status after SIGTERM");
            all = process.log();
        }
        assertTrue(all.contains("Auth URL refused the token"), "the refusals were logged at all:\n" + all);
        assertTrue(all.contains("the auth URL failed with status 500"), "the failures were logged at all:\n" + all);
        assertFalse(all.contains("5ec7e7"), "a token is in the log:\n" + all);
    }
}
