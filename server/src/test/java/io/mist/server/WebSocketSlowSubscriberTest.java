package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.engine.EngineCounters;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebSocket subscriber that stops reading loses its newest messages through the same bounded ring as a TCP one:
 * its drops are counted, a fast TCP subscriber gets everything, and what the stalled one gets later is in order.
 */
class WebSocketSlowSubscriberTest
{
    private static final int MESSAGES = 10_000;
    private static final int WINDOW = 16;
    private static final String PAYLOAD = "x".repeat(1000);
    private static final String PREFIX = "{\"command\":\"publish\",\"tags\":[\"load\"],\"data\":\"";

    @Test
    void stalledWebSocketSubscriberDropsAndCountsWhileOthersGetEverything() throws Exception
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0"),
            ListenerUri.parse("ws://127.0.0.1:0")), LogLevel.INFO,
            new EngineConfig(1024, EngineConfig.DEFAULT_WAIT_STRATEGY, 64 * 1024),
            new TransportConfig(16 * 1024, 2));
        try (ServerFixture fixture = new ServerFixture(new MistServer(config).start());
            TestClient fast = fixture.connect();
            TestClient publisher = fixture.connect();
            WsTestClient stalled = WsTestClient.connectPaused(URI.create(fixture.uri("ws") + "/subscribe/websocket")))
        {
            stalled.send("{\"command\":\"subscribe\",\"tags\":[\"load\"]}");
            stalled.request(1);
            stalled.sync();
            // From here on the stalled client asks for nothing: the JDK client stops reading its socket.
            fast.send("{\"command\":\"subscribe\",\"tags\":[\"load\"]}").sync();

            for (int sent = 0; sent < MESSAGES; sent += WINDOW)
            {
                final StringBuilder batch = new StringBuilder();
                for (int i = sent; i < sent + WINDOW; i++)
                {
                    batch.append(PREFIX).append(i).append(' ').append(PAYLOAD).append("\"}\n");
                }
                publisher.sendRaw(batch.toString());
                for (int i = sent; i < sent + WINDOW; i++)
                {
                    final String line = fast.read();
                    assertTrue(line.startsWith(PREFIX + i + " "), "fast subscriber expected message " + i);
                }
            }
            publisher.sync();

            final EngineCounters counters = fixture.server.engine().counters();
            final long dropped = counters.clientDropped.get();
            assertTrue(dropped > 0, "the stalled WebSocket subscriber's ring must have overflowed");

            stalled.request(Long.MAX_VALUE);
            int received = 0;
            int last = -1;
            for (String message = stalled.poll(2000); message != null; message = stalled.poll(1000))
            {
                assertTrue(message.startsWith(PREFIX) && message.endsWith("\"}\n"), message.substring(0, 40));
                final int number = Integer.parseInt(message.substring(PREFIX.length(),
                    message.indexOf(' ', PREFIX.length())));
                assertTrue(number > last, "out of order: " + number + " after " + last);
                last = number;
                received++;
            }
            assertTrue(received < MESSAGES / 2, "stalled subscriber received " + received);
            assertEquals(MESSAGES, received + dropped, "received + dropped");
        }
    }
}
