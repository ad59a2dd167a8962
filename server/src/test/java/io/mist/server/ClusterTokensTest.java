package io.mist.server;

import io.mist.auth.PostgresTestDatabase;
import io.mist.cluster.ClusterOptions;
import io.mist.engine.EngineConfig;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens across a cluster whose nodes share a PostgreSQL store: an admin command run on one node applies on the
 * other within a second: a new token opens connections there, new tags apply to its open connections, and an
 * unregistered token's connections there are closed. Real PostgreSQL, real nats-server.
 */
class ClusterTokensTest
{
    private static final String MASTER = "M4ST3R";

    private static ServerFixture node(final String nats, final String store) throws StartupException
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0")), LogLevel.INFO,
            EngineConfig.defaults(), TransportConfig.defaults(), null, null, store, MASTER, false)
            .withCluster(new ClusterOptions(List.of(nats), "tokens"));
        return new ServerFixture(new MistServer(config).start());
    }

    @Test
    void adminCommandsOnOneNodeApplyOnTheOtherWithinASecond() throws Exception
    {
        final String schema = PostgresTestDatabase.newSchemaName();
        try (NatsServerProcess nats = NatsServerProcess.launch())
        {
            final String store = PostgresTestDatabase.uriWithSchema(schema);
            try (ServerFixture a = node(nats.url(), store); ServerFixture b = node(nats.url(), store);
                TestClient admin = AuthenticationTest.admin(a))
            {
                admin.send("{\"command\":\"register\",\"tags\":[\"room\"],\"data\":\"guest\"}").sync();
                final TestClient guest = withinASecond("the new token opens a connection on B", () ->
                {
                    final TestClient client = b.connect();
                    client.send("{\"command\":\"auth\",\"data\":\"guest\"}");
                    try
                    {
                        client.sync();
                        return client;
                    }
                    catch (final IOException refused)
                    {
                        client.close();
                        return null;
                    }
                });
                try (guest)
                {
                    guest.send("{\"command\":\"publish\",\"tags\":[\"news\"],\"data\":\"x\"}");
                    assertTrue(guest.read().contains("Forbidden"));

                    admin.send("{\"command\":\"set\",\"tags\":[\"news\"],\"data\":\"guest\"}").sync();
                    withinASecond("the new tag applies on B", () ->
                    {
                        guest.send("{\"command\":\"publish\",\"tags\":[\"news\"],\"data\":\"x\"}");
                        guest.send("{\"command\":\"ping\"}");
                        final String reply = guest.read();
                        if (reply.contains("Forbidden"))
                        {
                            guest.read(); // its pong
                            return null;
                        }
                        return reply;
                    });

                    admin.send("{\"command\":\"unregister\",\"data\":\"guest\"}").sync();
                    final long start = System.nanoTime();
                    guest.setTimeout(5000);
                    assertTrue(guest.read().contains("Unauthorized - the token was unregistered"));
                    guest.expectClosed();
                    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 1000,
                        "closed on B within a second");
                }
            }
        }
        finally
        {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    interface Attempt<T>
    {
        T tryOnce() throws Exception;
    }

    private static <T> T withinASecond(final String what, final Attempt<T> attempt) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (true)
        {
            final T result = attempt.tryOnce();
            if (result != null)
            {
                return result;
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError(what + ": not within a second");
            }
            Thread.sleep(20);
        }
    }
}
