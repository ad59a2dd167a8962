package io.mist.server;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publisher's burst in one write, which TCP and the server's reads cut anywhere: publishes in mist's output form
 * (read in one pass from a per-read copy of the input) mixed with other spellings, pings, a bad line, and lines
 * longer than that copy or crossing its end. Every publish reaches the subscriber once, in order, byte for byte as
 * mist writes it; the publisher gets its replies in order. Real sockets.
 */
class TcpBurstTest
{
    @Test
    void aBurstInEveryFormIsDeliveredInOrderByteForByte() throws Exception
    {
        final Random random = new Random(42);
        final StringBuilder burst = new StringBuilder();
        final List<String> deliveries = new ArrayList<>();
        final List<String> replies = new ArrayList<>();
        for (int i = 0; i < 3_000; i++)
        {
            final boolean huge = i % 250 == 10 || i % 250 == 126; // longer than the server's copy of a read
            final int size = huge ? 70_000 + random.nextInt(40_000) : 1 + random.nextInt(i % 3 == 0 ? 2_000 : 200);
            final String data = "d" + i + "-" + "x".repeat(size);
            final String delivered = "{\"command\":\"publish\",\"tags\":[\"a\",\"b" + (i % 7) + "\"],\"data\":\"" + data +
                "\"}";
            switch (i % 5)
            {
                case 1: // tags out of order: the general path, the same delivery
                    burst.append("{\"command\":\"publish\",\"tags\":[\"b").append(i % 7).append("\",\"a\"],\"data\":\"")
                        .append(data).append("\"}\n");
                    break;
                case 2: // members in another order, with spaces
                    burst.append("{ \"data\": \"").append(data).append("\", \"tags\": [\"a\",\"b").append(i % 7)
                        .append("\"], \"command\": \"publish\" }\n");
                    break;
                case 3: // a ping between publishes, and now and then a bad line
                    burst.append("{\"command\":\"ping\"}\n");
                    replies.add("{\"command\":\"ping\",\"data\":\"pong\"}");
                    if (i % 50 == 3)
                    {
                        burst.append("{\"command\":\"publish\",\"tags\":\"a\",\"data\":\"x\"}\n");
                        replies.add(null); // an error reply, whose text is the parser's
                    }
                    burst.append(delivered).append('\n');
                    break;
                default: // mist's own form
                    burst.append(delivered).append('\n');
                    break;
            }
            deliveries.add(delivered);
        }
        burst.append("{\"command\":\"ping\"}\n");
        replies.add("{\"command\":\"ping\",\"data\":\"pong\"}");
        try (ServerFixture server = new ServerFixture(64 << 20, 256 * 1024);
            TestClient subscriber = server.connect();
            TestClient publisher = server.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"a\"]}").sync();
            publisher.sendBytes(burst.toString().getBytes(StandardCharsets.UTF_8));
            for (final String expected : replies)
            {
                final String reply = publisher.read();
                if (expected == null)
                {
                    assertTrue(reply.startsWith("{\"command\":\"publish\",\"error\":\""), reply);
                }
                else
                {
                    assertEquals(expected, reply);
                }
            }
            for (int i = 0; i < deliveries.size(); i++)
            {
                assertEquals(deliveries.get(i), subscriber.read(), "delivery " + i);
            }
            subscriber.expectNothing();
        }
    }
}
