package io.mist.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stopping the server writes out what it had already queued for its clients before closing them. */
class ShutdownTest
{
    /** About 10 MB: more than the kernel's socket buffers hold, so most of it waits in the client's ring. */
    private static final int MESSAGES = 120_000;

    @Test
    void queuedDeliveriesAreWrittenBeforeTheConnectionsClose() throws Exception
    {
        final ServerFixture fixture = new ServerFixture(16 << 20, 64 * 1024);
        try (TestClient subscriber = fixture.connect(); TestClient publisher = fixture.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"bye\"]}");
            subscriber.sync();
            publisher.sendRaw(burst("bye"));
            publisher.sync(); // every message is queued for the subscriber, which has read none of them yet

            final Thread shutdown = new Thread(fixture::close, "test-shutdown");
            shutdown.start(); // and only now does the subscriber start reading
            final int received = countUntilClosed(subscriber);
            shutdown.join();
            assertEquals(MESSAGES, received);
        }
        finally
        {
            fixture.close();
        }
    }

    @Test
    void aSubscriberThatDoesNotReadHoldsTheStopForTheDrainTimeoutAtMost() throws Exception
    {
        final ServerConfig config = config(java.time.Duration.ofMillis(1500), "tcp://127.0.0.1:0");
        final ServerFixture fixture = new ServerFixture(new MistServer(config).start());
        try (TestClient stalled = fixture.connect(); TestClient publisher = fixture.connect())
        {
            stalled.send("{\"command\":\"subscribe\",\"tags\":[\"stuck\"]}");
            stalled.sync();
            publisher.sendRaw(burst("stuck"));
            publisher.sync(); // megabytes queued for a subscriber that never reads
            assertStopWaitsForTheDrainTimeout(fixture, 4000);
        }
        finally
        {
            fixture.close();
        }
    }

    @Test
    void duringTheDrainHealthSaysNotReadyAndNothingNewIsTaken() throws Exception
    {
        final ServerConfig config = config(java.time.Duration.ofSeconds(3), "tcp://127.0.0.1:0",
            "http://127.0.0.1:0");
        final ServerFixture fixture = new ServerFixture(new MistServer(config).start());
        final java.net.URI http = fixture.uri("http");
        final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        try (TestClient stalled = fixture.connect(); TestClient publisher = fixture.connect())
        {
            assertEquals(200, get(client, http, "/health/ready").statusCode());
            stalled.send("{\"command\":\"subscribe\",\"tags\":[\"stuck\"]}");
            stalled.sync();
            publisher.sendRaw(burst("stuck"));
            publisher.sync(); // the drain will wait for this subscriber, which never reads
            final Thread stop = new Thread(fixture::close, "test-shutdown");
            stop.start();
            Thread.sleep(300);
            final java.net.http.HttpResponse<String> ready = get(client, http, "/health/ready");
            assertEquals(503, ready.statusCode(), "not ready from the first moment of the drain");
            assertEquals("{\"status\":\"stopping\"}\n", ready.body());
            assertEquals(200, get(client, http, "/health/live").statusCode());
            assertEquals(503, client.send(java.net.http.HttpRequest.newBuilder(http.resolve("/publish?tags=a&data=x"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode(), "no new publish is taken");
            stop.join(10_000);
            org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> get(java.net.http.HttpClient.newHttpClient(), http, "/health/ready"), "closed after the drain");
        }
        finally
        {
            fixture.close();
        }
    }

    /**
     * Every stop closes every connection, so that a client learns at once that the server has gone (and a reconnecting
     * client reconnects). The IO threads' own shutdown left about one connection in a hundred open (a race in Netty's
     * event loop), so this stops many servers.
     */
    @Test
    void everyStopClosesEveryConnection() throws Exception
    {
        final ServerConfig config = new ServerConfig(java.util.List.of(ListenerUri.parse("tcp://127.0.0.1:0")),
            LogLevel.WARN, new io.mist.engine.EngineConfig(1024, io.mist.engine.EngineConfig.DEFAULT_WAIT_STRATEGY,
            io.mist.engine.EngineConfig.DEFAULT_CLIENT_BUFFER_SIZE), new io.mist.transport.TransportConfig(
            io.mist.transport.TransportConfig.DEFAULT_MAX_FRAME_SIZE, 1));
        for (int stop = 1; stop <= 400; stop++)
        {
            final ServerFixture fixture = new ServerFixture(new MistServer(config).start());
            try (TestClient client = fixture.connect())
            {
                client.sync(); // open, and read from by its IO thread
                fixture.close();
                try
                {
                    client.expectClosed();
                }
                catch (final java.net.SocketTimeoutException open)
                {
                    org.junit.jupiter.api.Assertions.fail("stop " + stop + " left its client's connection open");
                }
            }
            finally
            {
                fixture.close();
            }
        }
    }

    /** A WebSocket client is told: a close frame 1001 (going away), which a browser's onclose shows, not 1006. */
    @Test
    void aWebSocketClientGetsACloseFrameSayingTheServerIsGoingAway() throws Exception
    {
        final ServerFixture fixture = new ServerFixture(io.mist.auth.AccessControl.OPEN, "ws://127.0.0.1:0");
        try (WsTestClient client = WsTestClient.connect(fixture.uri("ws").resolve("/subscribe/websocket")))
        {
            client.send("{\"command\":\"ping\"}");
            assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}\n", client.read());
            fixture.close();
            assertEquals(1001, client.awaitClose());
        }
        finally
        {
            fixture.close();
        }
    }

    /** A WebSocket subscriber that does not read cannot take its close frame: it holds the stop no longer for that. */
    @Test
    void aWebSocketSubscriberThatDoesNotReadHoldsTheStopForTheDrainTimeoutAtMost() throws Exception
    {
        final ServerConfig config = config(java.time.Duration.ofMillis(1500), "tcp://127.0.0.1:0", "ws://127.0.0.1:0");
        final ServerFixture fixture = new ServerFixture(new MistServer(config).start());
        try (WsTestClient stalled = WsTestClient.connectPaused(fixture.uri("ws").resolve("/subscribe/websocket"));
            TestClient publisher = fixture.connect())
        {
            stalled.send("{\"command\":\"subscribe\",\"tags\":[\"stuck\"]}").send("{\"command\":\"ping\"}");
            stalled.request(1);
            assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}\n", stalled.read()); // subscribed
            publisher.sendRaw(burst("stuck"));
            publisher.sync(); // megabytes queued for a subscriber that reads no more
            assertStopWaitsForTheDrainTimeout(fixture, 3000);
        }
        finally
        {
            fixture.close();
        }
    }

    /** So are the WebSockets of the other dialects: isimud's /sub and a msgbus topic's. */
    @ParameterizedTest
    @CsvSource({"isimud, /sub", "msgbus, /news"})
    void theOtherDialectsWebSocketsGetTheSameCloseFrame(final String dialect, final String path) throws Exception
    {
        final ServerConfig config = ServerConfig.withListeners(dialect + "://127.0.0.1:0");
        final ServerFixture fixture = new ServerFixture(new MistServer(dialect.equals("isimud") ?
            config.withIsimud("s3cret", false) : config).start());
        try (WsTestClient client = WsTestClient.connect(java.net.URI.create("ws://127.0.0.1:" +
            fixture.server.firstAddress(dialect).getPort() + path)))
        {
            fixture.close();
            assertEquals(1001, client.awaitClose());
        }
        finally
        {
            fixture.close();
        }
    }

    /** Stops {@code fixture}, whose 1.5 s drain cannot finish: it takes that long, and less than {@code mostMillis}. */
    private static void assertStopWaitsForTheDrainTimeout(final ServerFixture fixture, final long mostMillis)
    {
        final long start = System.nanoTime();
        fixture.close();
        final long tookMillis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        org.junit.jupiter.api.Assertions.assertTrue(tookMillis >= 1400 && tookMillis < mostMillis,
            "the stop waited for the drain timeout (1.5 s), then closed anyway: " + tookMillis + " ms");
    }

    private static java.net.http.HttpResponse<String> get(final java.net.http.HttpClient client,
        final java.net.URI base, final String path) throws Exception
    {
        return client.send(java.net.http.HttpRequest.newBuilder(base.resolve(path)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** A server whose client rings hold the whole burst (16 MiB), with {@code drain} to stop. */
    private static ServerConfig config(final java.time.Duration drain, final String... listeners)
    {
        return new ServerConfig(java.util.Arrays.stream(listeners).map(ListenerUri::parse).toList(), LogLevel.INFO,
            new io.mist.engine.EngineConfig(1024, io.mist.engine.EngineConfig.DEFAULT_WAIT_STRATEGY, 16 << 20),
            new io.mist.transport.TransportConfig(64 * 1024, 2)).withDrainTimeout(drain);
    }

    /** {@link #MESSAGES} publishes to {@code tag}, about 10 MB, one per line. */
    private static String burst(final String tag)
    {
        final StringBuilder burst = new StringBuilder();
        for (int i = 0; i < MESSAGES; i++)
        {
            burst.append("{\"command\":\"publish\",\"tags\":[\"").append(tag).append("\"],\"data\":\"").append(i)
                .append(" 0123456789012345678901234567890123456789\"}\n");
        }
        return burst.toString();
    }

    private static int countUntilClosed(final TestClient client)
    {
        int count = 0;
        try
        {
            while (true)
            {
                client.read();
                count++;
            }
        }
        catch (final IOException closed)
        {
            return count;
        }
    }
}
