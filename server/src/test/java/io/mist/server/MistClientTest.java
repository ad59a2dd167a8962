package io.mist.server;

import io.mist.client.ClientOptions;
import io.mist.client.Message;
import io.mist.client.MistClient;
import io.mist.client.MistReplyException;
import io.mist.engine.EngineConfig;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java client against the real server: mist's own client tests (spec §9), admin calls, reconnection. */
class MistClientTest
{
    private static Message next(final MistClient client) throws InterruptedException
    {
        final Message message = client.messages().poll(5, TimeUnit.SECONDS);
        assertNotNull(message, "no delivery within 5 s");
        return message;
    }

    @Test
    void tcpClientConnectAndPing() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture();
            MistClient client = MistClient.connect("127.0.0.1", fixture.address.getPort(), ClientOptions.defaults()))
        {
            assertEquals("pong", client.ping().get(5, TimeUnit.SECONDS).data());
        }
    }

    @Test
    void badTcpClientConnect() throws Exception
    {
        assertThrows(IOException.class, () -> MistClient.connect("127.0.0.1", 1, ClientOptions.defaults()));
        // A token sent to a server without an authenticator does no harm (spec §9).
        try (ServerFixture fixture = new ServerFixture();
            MistClient client = MistClient.connect("127.0.0.1", fixture.address.getPort(),
                ClientOptions.defaults().token("hil")))
        {
            assertEquals("pong", client.ping().get(5, TimeUnit.SECONDS).data());
        }
    }

    @Test
    void tcpClientSubscribeListPublishUnsubscribe() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture();
            MistClient client = MistClient.connect("127.0.0.1", fixture.address.getPort(), ClientOptions.defaults());
            MistClient other = MistClient.connect("127.0.0.1", fixture.address.getPort(), ClientOptions.defaults()))
        {
            // The client refuses what mist's client refuses.
            assertThrows(IllegalArgumentException.class, () -> client.subscribe(List.of()));
            assertThrows(IllegalArgumentException.class, () -> client.unsubscribe(List.of()));
            assertThrows(IllegalArgumentException.class, () -> client.publish(List.of(), "x"));

            client.subscribe(List.of("a")).get(5, TimeUnit.SECONDS);
            assertEquals("a", client.list().get(5, TimeUnit.SECONDS));
            // Its own publish never comes back.
            client.publish(List.of("a"), "mine");
            client.flush().get(5, TimeUnit.SECONDS);
            assertNull(client.messages().poll(200, TimeUnit.MILLISECONDS));

            other.publishConfirmed(List.of("a", "b"), "test").get(5, TimeUnit.SECONDS);
            final Message delivered = next(client);
            assertEquals(List.of("a", "b"), delivered.tags());
            assertEquals("test", delivered.data());
            assertEquals("{\"command\":\"publish\",\"tags\":[\"a\",\"b\"],\"data\":\"test\"}", delivered.toJson());

            client.unsubscribe(List.of("a")).get(5, TimeUnit.SECONDS);
            assertEquals("", client.list().get(5, TimeUnit.SECONDS));
            other.publishConfirmed(List.of("a"), "gone").get(5, TimeUnit.SECONDS);
            assertNull(client.messages().poll(200, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void adminCallsAndErrorsAsFutures() throws Exception
    {
        try (ServerFixture fixture = AuthenticationTest.start("memory://", false);
            MistClient admin = MistClient.connect("127.0.0.1", fixture.address.getPort(),
                ClientOptions.defaults().token("M4ST3R")))
        {
            admin.register("t", List.of("y", "x")).get(5, TimeUnit.SECONDS);
            assertEquals(List.of("x", "y"), admin.tags("t").get(5, TimeUnit.SECONDS));
            final Exception exists = assertThrows(Exception.class,
                () -> admin.register("t", List.of()).get(5, TimeUnit.SECONDS));
            assertEquals("Token already exists", assertInstanceOf(MistReplyException.class, exists.getCause())
                .getMessage());
            admin.set("t", List.of("z")).get(5, TimeUnit.SECONDS);
            admin.unset("t", List.of("x")).get(5, TimeUnit.SECONDS);
            assertEquals(List.of("y", "z"), admin.tags("t").get(5, TimeUnit.SECONDS));
            admin.unregister("t").get(5, TimeUnit.SECONDS);
            assertThrows(MistReplyException.class, () -> admin.await(admin.tags("t")));

            // A refused fire-and-forget publish reaches the error listener.
            final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
            admin.register("limited", List.of("mine")).get(5, TimeUnit.SECONDS);
            try (MistClient limited = MistClient.connect("127.0.0.1", fixture.address.getPort(),
                ClientOptions.defaults().token("limited").errorListener(errors::add)))
            {
                limited.publish(List.of("theirs"), "x");
                final Throwable refused = errors.poll(5, TimeUnit.SECONDS);
                assertInstanceOf(MistReplyException.class, refused);
                assertTrue(refused.getMessage().startsWith("Forbidden"), refused.getMessage());
                limited.publishConfirmed(List.of("mine"), "ok").get(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void threadSafeUnderConcurrentCallers() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture();
            MistClient client = MistClient.connect("127.0.0.1", fixture.address.getPort(), ClientOptions.defaults()))
        {
            final List<CompletableFuture<?>> all = new CopyOnWriteArrayList<>();
            final Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++)
            {
                final int id = t;
                threads[t] = new Thread(() ->
                {
                    for (int i = 0; i < 200; i++)
                    {
                        all.add(i % 2 == 0 ? client.ping() : client.subscribe(List.of("t" + id, "n" + i)));
                    }
                });
                threads[t].start();
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
            assertEquals(400, client.list().get(5, TimeUnit.SECONDS).split("t").length - 1);
        }
    }

    @Test
    void reconnectsAndSubscribesAgain() throws Exception
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0")), LogLevel.INFO,
            new EngineConfig(1024, EngineConfig.DEFAULT_WAIT_STRATEGY, EngineConfig.DEFAULT_CLIENT_BUFFER_SIZE),
            new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 1));
        final ServerFixture first = new ServerFixture(new MistServer(config).start());
        final int port = first.address.getPort();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        try (MistClient client = MistClient.connect("127.0.0.1", port, ClientOptions.defaults().reconnect(true)
            .reconnectDelay(Duration.ofMillis(50)).errorListener(errors::add)))
        {
            client.subscribe(List.of("again")).get(5, TimeUnit.SECONDS);
            first.close();
            assertTrue(errors.poll(5, TimeUnit.SECONDS).getMessage().contains("lost; reconnecting"));
            final ServerConfig samePort = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:" + port)),
                LogLevel.INFO, config.engine(), config.transport());
            try (ServerFixture second = new ServerFixture(new MistServer(samePort).start());
                TestClient publisher = second.connect())
            {
                // Once it is back it has subscribed again, without being asked.
                for (int i = 0; i < 200 && !client.connected(); i++)
                {
                    Thread.sleep(25);
                }
                assertTrue(client.connected(), "reconnected");
                assertEquals("again", client.list().get(5, TimeUnit.SECONDS));
                publisher.send("{\"command\":\"publish\",\"tags\":[\"again\"],\"data\":\"after restart\"}");
                assertEquals("after restart", next(client).data());
            }
        }
    }

    @Test
    void aReplayingSubscriptionGetsWhatCameWhileItWasAway() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture();
             io.mist.auth.TcpProxy proxy = new io.mist.auth.TcpProxy("127.0.0.1", fixture.address.getPort());
             TestClient publisher = fixture.connect())
        {
            publisher.send("{\"command\":\"publish\",\"tags\":[\"away\"],\"data\":\"before\"}").sync();
            final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
            try (MistClient client = MistClient.connect("127.0.0.1", proxy.port(), ClientOptions.defaults()
                .reconnect(true).reconnectDelay(Duration.ofMillis(50)).errorListener(errors::add)))
            {
                client.subscribe(List.of("away"), 0).get(5, TimeUnit.SECONDS); // nothing kept before this
                publisher.send("{\"command\":\"publish\",\"tags\":[\"away\"],\"data\":\"one\"}").sync();
                final Message one = next(client);
                assertEquals("one", one.data());
                assertTrue(one.id() > 0, "a replaying subscription's messages carry ids");

                proxy.cut(); // away: the client notices and reconnects once the way is back
                assertTrue(errors.poll(5, TimeUnit.SECONDS).getMessage().contains("lost; reconnecting"));
                publisher.send("{\"command\":\"publish\",\"tags\":[\"away\"],\"data\":\"two\"}");
                publisher.send("{\"command\":\"publish\",\"tags\":[\"away\"],\"data\":\"three\"}").sync();
                proxy.restore();

                final Message two = next(client);
                assertEquals("two", two.data(), "what came while it was away, kept and replayed");
                assertEquals("three", next(client).data());
                assertEquals(one.id() + 1, two.id());
                publisher.send("{\"command\":\"publish\",\"tags\":[\"away\"],\"data\":\"four\"}").sync();
                assertEquals("four", next(client).data(), "then live again, nothing twice");
                assertNull(client.messages().poll(200, TimeUnit.MILLISECONDS));
            }
        }
    }
}
