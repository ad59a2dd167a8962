package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.retention.RetentionOptions;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replay on mist's own protocol: a subscription with {@code "since":ID} gets the kept messages from that id on, then
 * the live ones, all with their ids, with no gap and no duplicate at the switch even while messages are being
 * published; connections that do not ask see mist's frames byte for byte. TCP and WebSocket, real sockets.
 */
class ReplayTest
{
    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws StartupException
    {
        fixture = new ServerFixture(new MistServer(new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0"),
            ListenerUri.parse("ws://127.0.0.1:0")), LogLevel.INFO,
            new EngineConfig(1024, EngineConfig.DEFAULT_WAIT_STRATEGY, EngineConfig.DEFAULT_CLIENT_BUFFER_SIZE),
            new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 2))
            .withRetention(new RetentionOptions(10_000, Duration.ofSeconds(60), 64L << 20, 100))).start());
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    private static long id(final String frame)
    {
        final Matcher m = Pattern.compile(",\"id\":(\\d+)\\}$").matcher(frame);
        assertTrue(m.find(), "an id at the end of " + frame);
        return Long.parseLong(m.group(1));
    }

    @Test
    void aSubscriptionReplaysFromAnIdThenGoesLive() throws Exception
    {
        try (TestClient keeper = fixture.connect(); TestClient plain = fixture.connect();
             TestClient publisher = fixture.connect())
        {
            // The first ask makes "r" a kept topic: nothing is kept yet.
            keeper.send("{\"command\":\"subscribe\",\"tags\":[\"r\"],\"since\":0}").sync();
            plain.send("{\"command\":\"subscribe\",\"tags\":[\"r\"]}").sync();
            for (int i = 0; i < 3; i++)
            {
                publisher.send("{\"command\":\"publish\",\"tags\":[\"r\",\"x\"],\"data\":\"m" + i + "\"}");
            }
            publisher.sync();
            final long first = id(keeper.read());
            assertEquals(first + 1, id(keeper.read()));
            assertEquals(first + 2, id(keeper.read()));
            for (int i = 0; i < 3; i++)
            {
                plain.expect("{\"command\":\"publish\",\"tags\":[\"r\",\"x\"],\"data\":\"m" + i + "\"}");
            }

            try (TestClient late = fixture.connect())
            {
                late.send("{\"command\":\"subscribe\",\"tags\":[\"r\",\"x\"],\"since\":" + (first + 1) + "}");
                late.expect("{\"command\":\"publish\",\"tags\":[\"r\",\"x\"],\"data\":\"m1\",\"id\":" + (first + 1) +
                    "}");
                late.expect("{\"command\":\"publish\",\"tags\":[\"r\",\"x\"],\"data\":\"m2\",\"id\":" + (first + 2) +
                    "}");
                late.sync();
                publisher.send("{\"command\":\"publish\",\"tags\":[\"r\"],\"data\":\"not x\"}");
                publisher.send("{\"command\":\"publish\",\"tags\":[\"x\",\"r\"],\"data\":\"live\"}").sync();
                late.expect("{\"command\":\"publish\",\"tags\":[\"r\",\"x\"],\"data\":\"live\",\"id\":" + (first + 4) +
                    "}");
                late.expectNothing();
            }
            plain.expect("{\"command\":\"publish\",\"tags\":[\"r\"],\"data\":\"not x\"}");
            plain.expect("{\"command\":\"publish\",\"tags\":[\"r\",\"x\"],\"data\":\"live\"}");
        }
    }

    @Test
    void replayMeetsLiveMessagesWithoutAGapOrADuplicate() throws Exception
    {
        final int count = 5000;
        try (TestClient keeper = fixture.connect(); TestClient publisher = fixture.connect();
             TestClient late = fixture.connect())
        {
            keeper.send("{\"command\":\"subscribe\",\"tags\":[\"b\"],\"since\":0}").sync();
            final Thread publishing = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < count; i++)
                    {
                        publisher.send("{\"command\":\"publish\",\"tags\":[\"b\"],\"data\":\"" + i + "\"}");
                    }
                    publisher.sync();
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            publishing.start();
            final long first = id(keeper.read());
            late.send("{\"command\":\"subscribe\",\"tags\":[\"b\"],\"since\":0}"); // while messages flow
            publishing.join(30_000);
            long expected = first;
            for (int i = 0; i < count; i++)
            {
                final String frame = late.read();
                assertEquals(expected++, id(frame), "in order, none missing, none twice: " + frame);
                assertTrue(frame.contains("\"data\":\"" + i + "\""), frame);
            }
            late.expectNothing();
        }
    }

    @Test
    void aWebSocketSubscriptionReplaysToo() throws Exception
    {
        try (TestClient publisher = fixture.connect())
        {
            publisher.send("{\"command\":\"subscribe\",\"tags\":[\"w\"],\"since\":0}").sync(); // makes "w" kept
            publisher.send("{\"command\":\"unsubscribe\",\"tags\":[\"w\"]}");
            publisher.send("{\"command\":\"publish\",\"tags\":[\"w\"],\"data\":\"kept\"}").sync();
            final TextFrames frames = new TextFrames();
            final WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(
                fixture.uri("ws") + "/subscribe/websocket"), frames).get(5, TimeUnit.SECONDS);
            try
            {
                socket.sendText("{\"command\":\"subscribe\",\"tags\":[\"w\"],\"since\":0}", true);
                final String replayed = frames.next();
                assertTrue(replayed.startsWith("{\"command\":\"publish\",\"tags\":[\"w\"],\"data\":\"kept\",\"id\":"),
                    replayed);
                publisher.send("{\"command\":\"publish\",\"tags\":[\"w\"],\"data\":\"live\"}").sync();
                assertEquals(id(replayed.trim()) + 1, id(frames.next().trim()));
            }
            finally
            {
                socket.abort();
            }
        }
    }

    @Test
    void aBadSinceIsAnError() throws Exception
    {
        try (TestClient client = fixture.connect())
        {
            for (final String since : new String[] {"-1", "\"3\"", "1.5"})
            {
                client.send("{\"command\":\"subscribe\",\"tags\":[\"e\"],\"since\":" + since + "}");
                assertTrue(client.read().contains("'since' must be a message id"), since);
            }
            client.send("{\"command\":\"list\"}");
            client.expect("{\"command\":\"list\"}");
        }
    }
}
