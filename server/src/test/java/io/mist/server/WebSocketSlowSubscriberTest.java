package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.engine.EngineCounters;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
        final StalledListener stalledListener = new StalledListener();
        try (ServerFixture fixture = new ServerFixture(new MistServer(config).start());
            TestClient fast = fixture.connect();
            TestClient publisher = fixture.connect())
        {
            final WebSocket stalled = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(fixture.uri("ws") + "/subscribe/websocket"), stalledListener)
                .get(5, TimeUnit.SECONDS);
            stalled.sendText("{\"command\":\"subscribe\",\"tags\":[\"load\"]}", true).get(5, TimeUnit.SECONDS);
            stalled.request(1);
            stalled.sendText("{\"command\":\"ping\"}", true).get(5, TimeUnit.SECONDS);
            assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}\n", stalledListener.messages.poll(5,
                TimeUnit.SECONDS));
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
            for (String message = stalledListener.messages.poll(2, TimeUnit.SECONDS); message != null;
                message = stalledListener.messages.poll(1, TimeUnit.SECONDS))
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
            stalled.abort();
        }
    }

    /** Collects whole text messages, asking for more only when the test says so. */
    private static final class StalledListener implements WebSocket.Listener
    {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(final WebSocket webSocket)
        {
            // No request(1): the client reads nothing until the test asks.
        }

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            return null;
        }
    }
}
