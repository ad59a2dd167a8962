package io.mist.server;

import io.mist.auth.AccessControl;
import io.mist.engine.EngineConfig;
import io.mist.engine.RequestLimits;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * --max-tags, --max-tag-length, --max-subscriptions and --max-distinct-tags over real sockets: an error reply, the
 * connection stays up.
 */
class RequestLimitsTest
{
    private static final String PONG = "{\"command\":\"ping\",\"data\":\"pong\"}";
    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws StartupException
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0"),
            ListenerUri.parse("http://127.0.0.1:0")), LogLevel.INFO,
            EngineConfig.defaults().withLimits(new RequestLimits(3, 8, 2)), TransportConfig.defaults());
        fixture = new ServerFixture(new MistServer(config, AccessControl.OPEN).start());
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    @Test
    void tooManyTagsIsRefusedForEveryCommandAndTheConnectionStaysUp() throws Exception
    {
        try (TestClient client = fixture.connect())
        {
            for (final String command : new String[] {"publish", "subscribe", "unsubscribe"})
            {
                client.send("{\"command\":\"" + command + "\",\"tags\":[\"a\",\"b\",\"c\",\"d\"],\"data\":\"x\"}");
                client.expect("{\"command\":\"" + command +
                    "\",\"error\":\"Too many tags - 4, the limit is 3 (--max-tags)\"}");
            }
            client.send("{\"command\":\"ping\"}");
            client.expect(PONG);
        }
    }

    @Test
    void aTooLongTagIsRefusedAndMessagesWithinTheLimitsStillFlow() throws Exception
    {
        try (TestClient subscriber = fixture.connect(); TestClient publisher = fixture.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"123456789\"]}");
            subscriber.expect("{\"command\":\"subscribe\",\"error\":\"Tag too long - 9 bytes, the limit is 8 " +
                "(--max-tag-length)\"}");
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"12345678\",\"b\",\"c\"]}");
            subscriber.sync();
            publisher.send("{\"command\":\"publish\",\"tags\":[\"c\",\"b\",\"12345678\"],\"data\":\"fits\"}");
            subscriber.expect("{\"command\":\"publish\",\"tags\":[\"12345678\",\"b\",\"c\"],\"data\":\"fits\"}");
        }
    }

    @Test
    void subscriptionsBeyondTheLimitAreRefusedButRepeatingAHeldOneIsNot() throws Exception
    {
        try (TestClient client = fixture.connect())
        {
            client.send("{\"command\":\"subscribe\",\"tags\":[\"one\"]}");
            client.send("{\"command\":\"subscribe\",\"tags\":[\"two\"]}");
            client.send("{\"command\":\"subscribe\",\"tags\":[\"one\"]}"); // already held: a no-op, as in mist
            client.send("{\"command\":\"subscribe\",\"tags\":[\"three\"]}");
            client.expect("{\"command\":\"subscribe\",\"error\":\"Too many subscriptions - the limit is 2 per " +
                "client (--max-subscriptions)\"}");
            client.send("{\"command\":\"unsubscribe\",\"tags\":[\"two\"]}");
            client.send("{\"command\":\"subscribe\",\"tags\":[\"three\"]}");
            client.send("{\"command\":\"list\"}");
            client.expect("{\"command\":\"list\",\"data\":\"onethree\"}");
        }
    }

    @Test
    void httpPublishOverTheLimitIsABadRequest() throws Exception
    {
        final URI uri = URI.create(fixture.uri("http") + "/publish");
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
            .POST(HttpRequest.BodyPublishers.ofString("{\"tags\":[\"a\",\"b\",\"c\",\"d\"],\"data\":\"x\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertEquals("{\"command\":\"publish\",\"error\":\"Too many tags - 4, the limit is 3 (--max-tags)\"}\n",
            response.body());
    }

    @Test
    void legacyTextClientsGetTheErrorAsALine() throws Exception
    {
        try (TestClient client = fixture.connect())
        {
            client.sendRaw("publish a,b,c,d hello\n");
            client.expect("error Too many tags - 4, the limit is 3 (--max-tags)");
            client.sendRaw("ping\n");
            client.expect("pong");
        }
    }

    @Test
    void newTagsBeyondTheServersLimitAreRefusedWhileKnownOnesKeepWorking() throws Exception
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0")), LogLevel.INFO,
            EngineConfig.defaults().withLimits(new RequestLimits(10, 64, 10, 2)), TransportConfig.defaults());
        try (ServerFixture small = new ServerFixture(new MistServer(config, AccessControl.OPEN).start());
            TestClient subscriber = small.connect(); TestClient publisher = small.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"x\"]}");
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"x\",\"y\"]}");
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"y\",\"z\"]}");
            subscriber.expect("{\"command\":\"subscribe\",\"error\":\"Too many distinct tags - the server knows 2, " +
                "the limit is 2 (--max-distinct-tags)\"}");
            // Unsubscribing frees no id: the server still refuses to learn z.
            subscriber.send("{\"command\":\"unsubscribe\",\"tags\":[\"x\"]}");
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"z\"]}");
            subscriber.expect("{\"command\":\"subscribe\",\"error\":\"Too many distinct tags - the server knows 2, " +
                "the limit is 2 (--max-distinct-tags)\"}");
            // Known tags still work, and publishing a tag the server never learned is fine.
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"y\"]}");
            subscriber.send("{\"command\":\"ping\"}");
            subscriber.expect(PONG);
            publisher.send("{\"command\":\"publish\",\"tags\":[\"y\",\"never-learned\"],\"data\":\"still\"}");
            subscriber.expect("{\"command\":\"publish\",\"tags\":[\"never-learned\",\"y\"],\"data\":\"still\"}");
        }
    }
}
