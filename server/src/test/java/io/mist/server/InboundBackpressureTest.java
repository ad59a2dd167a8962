package io.mist.server;

import io.mist.codec.FrameException;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.EngineConfig;
import io.mist.engine.EngineCounters;
import io.mist.engine.ring.Offer;
import io.mist.engine.ring.WaitStrategyKind;
import io.mist.engine.session.ClientSession;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full inbound ring stops only the connections that cannot publish: their IO thread stays free (it answers HTTP
 * meanwhile), nothing they sent is lost, and once the matcher has room every message arrives, each publisher's in
 * order, also from a client that hung up while it waited. So does a full budget for large requests
 * ({@code --inbound-buffer-size}). Real sockets against a server with the smallest ring (or budget) and one IO thread,
 * and a matcher held up on purpose.
 */
class InboundBackpressureTest
{
    private static final int FROM_A = 2_000;
    private static final int FROM_B = 500;

    @Test
    void aFullRingHoldsPublishersBackWithoutBlockingTheIoThreadOrLosingAnything() throws Exception
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0"),
            ListenerUri.parse("http://127.0.0.1:0")), LogLevel.INFO,
            new EngineConfig(64, WaitStrategyKind.BLOCK, EngineConfig.DEFAULT_CLIENT_BUFFER_SIZE),
            new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 1));
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (ServerFixture fixture = new ServerFixture(new MistServer(config).start());
            TestClient subscriber = fixture.connect();
            TestClient publisherA = fixture.connect();
            TestClient publisherB = fixture.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"t\"]}");
            subscriber.sync();
            publisherA.sync();
            publisherB.sync();
            final URI base = fixture.uri("http");

            final CountDownLatch release = holdMatcher(fixture);

            final CompletableFuture<Void> sendA = CompletableFuture.runAsync(() -> publish(publisherA, "A", FROM_A,
                false));
            final CompletableFuture<Void> sendB = CompletableFuture.runAsync(() -> publish(publisherB, "B", FROM_B,
                true));
            final EngineCounters counters = fixture.server.engine().counters();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (counters.inboundRingFull.get() == 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertTrue(counters.inboundRingFull.get() > 0, "the 64-slot ring filled up");

            // The one IO thread is free: HTTP is answered while the TCP publishers wait for room.
            final HttpResponse<String> live = http.send(HttpRequest.newBuilder(base.resolve("/health/live"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode());
            // An HTTP publish waits for room too, and is answered once it is in the ring.
            final CompletableFuture<HttpResponse<String>> httpPublish = http.sendAsync(HttpRequest.newBuilder(
                base.resolve("/publish")).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(
                "{\"tags\":[\"t\"],\"data\":\"H\"}")).build(), HttpResponse.BodyHandlers.ofString());
            // Pipelined on one connection: two publishes and a health check, answered in order once there is room.
            final java.net.Socket pipelined = new java.net.Socket("127.0.0.1", base.getPort());
            pipelined.setSoTimeout(30_000);
            final StringBuilder requests = new StringBuilder();
            for (final String data : new String[] {"P0", "P1"})
            {
                final String body = "{\"tags\":[\"t\"],\"data\":\"" + data + "\"}";
                requests.append("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
                    .append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
            }
            requests.append("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
            pipelined.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            pipelined.getOutputStream().flush();
            Thread.sleep(200);
            assertFalse(httpPublish.isDone(), "the HTTP publish waits for room instead of being refused");
            sendB.get(10, TimeUnit.SECONDS);
            publisherB.close(); // B hangs up with its messages still waiting for room

            release.countDown();
            sendA.get(30, TimeUnit.SECONDS);
            assertEquals(202, httpPublish.get(30, TimeUnit.SECONDS).statusCode());
            final java.io.InputStream replies = pipelined.getInputStream();
            assertEquals("HTTP/1.1 202 Accepted", response(replies));
            assertEquals("HTTP/1.1 202 Accepted", response(replies));
            assertEquals("HTTP/1.1 200 OK", response(replies));
            pipelined.close();

            int nextA = 0;
            int nextB = 0;
            int nextP = 0;
            int httpMessages = 0;
            for (int i = 0; i < FROM_A + FROM_B + 3; i++)
            {
                final String line = subscriber.read();
                final String data = line.substring(line.indexOf("\"data\":\"") + 8, line.lastIndexOf('"'));
                if (data.equals("H"))
                {
                    httpMessages++;
                }
                else if (data.startsWith("P"))
                {
                    assertEquals("P" + nextP++, data, "pipelined publishes in order");
                }
                else if (data.startsWith("A"))
                {
                    assertEquals("A" + nextA++, data, "A's messages in order");
                }
                else
                {
                    assertEquals("B" + nextB++, data, "B's messages in order");
                }
            }
            assertEquals(FROM_A, nextA);
            assertEquals(FROM_B, nextB);
            assertEquals(1, httpMessages);
            assertEquals(2, nextP);
            subscriber.expectNothing();
        }
    }

    @Test
    void largeRequestsOverTheInboundBufferHoldThePublisherBackWithoutLosingAnything() throws Exception
    {
        // The default ring has room for thousands of requests; the 1 MiB budget for large ones is what fills up.
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0")), LogLevel.INFO,
            EngineConfig.defaults().withInboundBufferSize(1 << 20), new TransportConfig(
                TransportConfig.DEFAULT_MAX_FRAME_SIZE, 1));
        final int messages = 100;
        final String data = "d".repeat(20_000); // each borrows a 32 KiB array: 100 of them are 3.2 MiB
        try (ServerFixture fixture = new ServerFixture(new MistServer(config).start());
            TestClient subscriber = fixture.connect();
            TestClient publisher = fixture.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"t\"]}");
            subscriber.sync();
            publisher.sync();

            final CountDownLatch release = holdMatcher(fixture);

            final StringBuilder all = new StringBuilder();
            for (int i = 0; i < messages; i++)
            {
                all.append("{\"command\":\"publish\",\"tags\":[\"t\"],\"data\":\"").append(i).append(data)
                    .append("\"}\n");
            }
            final CompletableFuture<Void> send = CompletableFuture.runAsync(() ->
            {
                try
                {
                    publisher.sendRaw(all.toString());
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            final EngineCounters counters = fixture.server.engine().counters();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (counters.inboundBufferFull.get() == 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertTrue(counters.inboundBufferFull.get() > 0, "the budget for large requests filled up");
            assertEquals(0, counters.inboundRingFull.get(), "the ring itself had room");
            final long lent = fixture.server.engine().payloadPool().lentBytes();
            assertTrue(lent <= (1 << 20) + 32 * 1024, lent + " bytes lent: the budget and one request over it");

            release.countDown();
            send.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < messages; i++)
            {
                final String line = subscriber.read();
                assertTrue(line.endsWith("\"data\":\"" + i + data + "\"}"), "message " + i + " whole and in order");
            }
            subscriber.expectNothing();
        }
    }

    /**
     * Holds the matcher until the returned latch is counted down: it wakes a session of its own at the end of a
     * batch, and the wake-up waits for the test.
     */
    private static CountDownLatch holdMatcher(final ServerFixture fixture) throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch held = new CountDownLatch(1);
        final ClientSession blocker = fixture.server.engine().openSession(() ->
        {
            held.countDown();
            awaitQuietly(release);
        });
        assertEquals(Offer.PUBLISHED, fixture.server.engine().clientIngress(blocker, true).submit(ping()));
        assertTrue(held.await(5, TimeUnit.SECONDS), "the matcher is held");
        return release;
    }

    private static void publish(final TestClient client, final String name, final int count, final boolean close)
    {
        final StringBuilder all = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            all.append("{\"command\":\"publish\",\"tags\":[\"t\"],\"data\":\"").append(name).append(i).append("\"}\n");
        }
        try
        {
            client.sendRaw(all.toString());
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Reads one HTTP response (status line, headers, Content-Length body); returns its status line. */
    private static String response(final java.io.InputStream in) throws IOException
    {
        final String status = line(in);
        int length = 0;
        for (String header = line(in); !header.isEmpty(); header = line(in))
        {
            if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
            {
                length = Integer.parseInt(header.substring(15).trim());
            }
        }
        assertEquals(length, in.readNBytes(length).length);
        return status;
    }

    private static String line(final java.io.InputStream in) throws IOException
    {
        final StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read())
        {
            if (b < 0)
            {
                throw new IOException("connection closed mid-response");
            }
            if (b != '\r')
            {
                line.append((char)b);
            }
        }
        return line.toString();
    }

    private static MistFrame ping() throws FrameException
    {
        final byte[] json = "{\"command\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
        final MistFrame frame = new MistFrame();
        new MistFrameParser().parse(json, json.length, frame);
        return frame;
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(60, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
