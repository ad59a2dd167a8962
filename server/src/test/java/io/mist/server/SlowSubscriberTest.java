package io.mist.server;

import io.mist.engine.EngineCounters;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber that stops reading loses its newest messages (counted as drops) and the memory held for it stays
 * bounded; a subscriber that reads receives every message, in order, and the publisher is never held up.
 */
class SlowSubscriberTest
{
    private static final int MESSAGES = 10_000;
    private static final int WINDOW = 16;
    private static final String PAYLOAD = "x".repeat(1000);

    @Test
    void stalledSubscriberDropsWhileFastSubscriberGetsEverything() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture(64 * 1024, 16 * 1024);
            TestClient stalled = new TestClient(fixture.address, 4096);
            TestClient fast = fixture.connect();
            TestClient publisher = fixture.connect())
        {
            stalled.send("{\"command\":\"subscribe\",\"tags\":[\"load\"]}");
            stalled.sync();
            fast.send("{\"command\":\"subscribe\",\"tags\":[\"load\"]}");
            fast.sync();

            // The publisher keeps at most WINDOW messages ahead of the fast reader, far less than its 64 KiB ring,
            // so the fast subscriber never has a reason to drop; the stalled one reads nothing at all.
            for (int sent = 0; sent < MESSAGES; sent += WINDOW)
            {
                final StringBuilder batch = new StringBuilder();
                for (int i = sent; i < sent + WINDOW; i++)
                {
                    batch.append("{\"command\":\"publish\",\"tags\":[\"load\"],\"data\":\"").append(i).append(' ')
                        .append(PAYLOAD).append("\"}\n");
                }
                publisher.sendRaw(batch.toString());
                for (int i = sent; i < sent + WINDOW; i++)
                {
                    final String line = fast.read();
                    assertTrue(line.startsWith("{\"command\":\"publish\",\"tags\":[\"load\"],\"data\":\"" + i + " "),
                        "fast subscriber expected message " + i + ", got " + line.substring(0, 60));
                }
            }
            publisher.sync();

            final EngineCounters counters = fixture.server.engine().counters();
            final long dropped = counters.clientDropped.get();
            assertTrue(dropped > 0, "the stalled subscriber's ring must have overflowed");

            // ~10 MB were sent to the stalled subscriber; what the server holds for its three clients stays bounded:
            // rings of at most twice the client buffer while they grow, and Netty's buffer up to its high watermark
            // (256 KiB) plus one more write batch (64 KiB).
            final String metrics = fixture.server.metrics().prometheus();
            assertTrue(gauge(metrics, "mist_client_ring_bytes") <= 3 * 2 * 64 * 1024, metrics);
            assertTrue(gauge(metrics, "mist_client_pending_write_bytes") <= 3 * (256 + 64) * 1024, metrics);

            // What the stalled subscriber did get is in order, and with its drops accounts for every message.
            final int received = readAll(stalled);
            assertTrue(received < MESSAGES / 2, "stalled subscriber received " + received);
            assertEquals(MESSAGES, received + dropped, "received + dropped");
            assertEquals(2L * MESSAGES - dropped, counters.messagesDelivered.get());
        }
    }

    private static long gauge(final String metrics, final String name)
    {
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith(name + " "))
            {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + name + " in\n" + metrics);
    }

    /** Reads until the server has nothing more for this client; returns how many deliveries came, checking order. */
    private static int readAll(final TestClient client) throws IOException
    {
        client.setTimeout(1000);
        final int dataStart = "{\"command\":\"publish\",\"tags\":[\"load\"],\"data\":\"".length();
        int count = 0;
        int last = -1;
        try
        {
            while (true)
            {
                final String line = client.read();
                final int number = Integer.parseInt(line.substring(dataStart, line.indexOf(' ', dataStart)));
                assertTrue(number > last, "out of order: " + number + " after " + last);
                last = number;
                count++;
            }
        }
        catch (final SocketTimeoutException quiet)
        {
            return count; // everything queued for it has arrived
        }
    }
}
