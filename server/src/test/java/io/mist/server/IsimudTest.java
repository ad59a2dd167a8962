package io.mist.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * isimud's API on mist, as its publishers and browser code use it: every status and body of POST /pub, GET /, and
 * the /sub WebSocket (subscribe, replace, data-only frames, clear close on a bad message), and delivery across
 * dialects with mist's TCP clients. Real sockets.
 */
class IsimudTest
{
    private static ServerFixture fixture;
    private static URI isimud;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws StartupException
    {
        fixture = new ServerFixture(new MistServer(ServerConfig.withListeners("tcp://127.0.0.1:0",
            "isimud://127.0.0.1:0").withIsimud("s3cret", true)).start());
        isimud = URI.create("http://127.0.0.1:" + fixture.server.firstAddress("isimud").getPort());
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    private static HttpResponse<String> pub(final String authorization, final String type, final String body)
        throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(isimud.resolve("/pub"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null)
        {
            request.header("Authorization", authorization);
        }
        if (type != null)
        {
            request.header("Content-Type", type);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(final String user, final String password)
    {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertResponse(final HttpResponse<String> response, final int status, final String type,
        final String body)
    {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(body, response.body());
        if (type != null)
        {
            assertEquals(type, response.headers().firstValue("Content-Type").orElse(""));
        }
    }

    @Test
    void pubAnswersAsIsimud() throws Exception
    {
        final String json = "{\"topic\":\"news\",\"data\":\"hi\"}";
        assertResponse(pub(basic("alice", "s3cret"), "application/json", json), 200, null, "");
        assertResponse(pub(basic("alice", "wrong"), "application/json", json), 401, "application/json",
            "{\"error\":\"Wrong credentials\"}");
        assertResponse(pub(null, "application/json", json), 400, "application/json",
            "{\"error\":\"Missing credentials\"}");
        assertResponse(pub("Bearer s3cret", "application/json", json), 400, "application/json",
            "{\"error\":\"Missing credentials\"}");
        assertEquals(415, pub(basic("alice", "s3cret"), null, json).statusCode());
        assertTrue(pub(basic("alice", "s3cret"), "application/json", "{\"topic\":").body()
            .startsWith("Failed to parse the request body as JSON: "));
        final HttpResponse<String> missing = pub(basic("alice", "s3cret"), "application/json", "{\"topic\":\"t\"}");
        assertEquals(422, missing.statusCode());
        assertEquals("Failed to deserialize the JSON body into the target type: missing field `data`", missing.body());

        final HttpResponse<String> home = HTTP.send(HttpRequest.newBuilder(isimud.resolve("/")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(303, home.statusCode());
        assertEquals("https://github.com/tropicbliss/isimud", home.headers().firstValue("Location").orElse(""));
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(isimud.resolve("/nothing")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private static WebSocket subscribe(final TextFrames listener) throws Exception
    {
        return HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + isimud.getPort() + "/sub"),
            listener).get(5, TimeUnit.SECONDS);
    }

    @Test
    void subscribersGetDataFramesAcrossDialects() throws Exception
    {
        final TextFrames listener = new TextFrames();
        final WebSocket socket = subscribe(listener);
        try (TestClient mist = fixture.connect())
        {
            socket.sendText("{\"publisher\":\"alice\",\"topic\":\"news\"}", true).get(5, TimeUnit.SECONDS);
            mist.send("{\"command\":\"subscribe\",\"tags\":[\"publisher:alice\",\"topic:news\"]}").sync();
            Thread.sleep(200); // the WebSocket's subscription has no reply to wait for
            assertEquals(200, pub(basic("alice", "s3cret"), "application/json",
                "{\"topic\":\"news\",\"data\":\"line one\\nwith \\\"quotes\\\" and é\"}").statusCode());
            assertEquals("line one\nwith \"quotes\" and é", listener.next(), "the data alone, unescaped");
            mist.expect("{\"command\":\"publish\",\"tags\":[\"publisher:alice\",\"topic:news\"]," +
                "\"data\":\"line one\\nwith \\\"quotes\\\" and é\"}");
            pub(basic("alice", "s3cret"), "application/json", "{\"topic\":\"sport\",\"data\":\"not this\"}");
            pub(basic("bob", "s3cret"), "application/json", "{\"topic\":\"news\",\"data\":\"nor this\"}");
            // A mist client's publish carrying both tags reaches the isimud subscriber.
            mist.send("{\"command\":\"publish\",\"tags\":[\"topic:news\",\"publisher:alice\",\"x\"],\"data\":\"from mist\"}");
            assertEquals("from mist", listener.next());

            // A later message replaces the subscription, as isimud keeps the last one.
            socket.sendText("{\"publisher\":\"bob\",\"topic\":\"news\"}", true).get(5, TimeUnit.SECONDS);
            Thread.sleep(200);
            pub(basic("alice", "s3cret"), "application/json", "{\"topic\":\"news\",\"data\":\"alice again\"}");
            pub(basic("bob", "s3cret"), "application/json", "{\"topic\":\"news\",\"data\":\"bob\"}");
            assertEquals("bob", listener.next());
            assertNull(listener.received.poll(200, TimeUnit.MILLISECONDS));
        }
        finally
        {
            socket.abort();
        }
    }

    @Test
    void aBadMessageClosesWithAReason() throws Exception
    {
        final TextFrames listener = new TextFrames();
        final WebSocket socket = subscribe(listener);
        socket.sendText("{\"publisher\":\"alice\"}", true).get(5, TimeUnit.SECONDS);
        final String closed = listener.next();
        assertTrue(closed.startsWith("closed 1007 Invalid message: missing field `topic`"), closed);
    }
}
