package io.mist.server;

import io.mist.auth.PostgresTestDatabase;
import io.mist.auth.TcpProxy;
import io.mist.engine.EngineConfig;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PostgreSQL token store that cannot be reached at start (compose or systemd started mist first): the server
 * keeps trying for {@code --authenticator-retry}, starts once the database answers, and gives up with exit-worthy
 * error after that time. The real database, behind a proxy that refuses connections until it is restored.
 */
class AuthenticatorRetryTest
{
    private static ServerConfig config(final String authenticator, final Duration retry)
    {
        return new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0")), LogLevel.INFO,
            EngineConfig.defaults(), TransportConfig.defaults(), null, null, authenticator, "M4ST3R", false)
            .withAuthenticatorRetry(retry);
    }

    /** A proxy to the test database on a port of its own, which the test can cut and restore. */
    private static TcpProxy proxyToDatabase() throws java.io.IOException
    {
        final URI database = URI.create(PostgresTestDatabase.URL);
        return new TcpProxy(database.getHost(), port(database));
    }

    /** {@code uri} with the database's address replaced by the proxy's. */
    private static String through(final TcpProxy proxy, final String uri)
    {
        final URI parsed = URI.create(uri);
        return uri.replace(parsed.getHost() + ":" + port(parsed), "127.0.0.1:" + proxy.port());
    }

    private static int port(final URI database)
    {
        return database.getPort() < 0 ? 5432 : database.getPort();
    }

    @Test
    void startsOnceTheDatabaseAnswers() throws Exception
    {
        final String schema = PostgresTestDatabase.newSchemaName();
        try (TcpProxy proxy = proxyToDatabase())
        {
            final String uri = through(proxy, PostgresTestDatabase.uriWithSchema(schema));
            proxy.cut();
            final CompletableFuture<MistServer> starting = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return new MistServer(config(uri, Duration.ofSeconds(30))).start();
                }
                catch (final StartupException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            Thread.sleep(1500);
            assertFalse(starting.isDone(), "still waiting for the database");
            proxy.restore();
            try (ServerFixture fixture = new ServerFixture(starting.get(20, TimeUnit.SECONDS));
                TestClient admin = AuthenticationTest.admin(fixture))
            {
                admin.send("{\"command\":\"tags\",\"data\":\"none\"}");
                admin.expect("{\"command\":\"tags\",\"error\":\"Token not found\\n\"}");
            }
        }
        finally
        {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    @Test
    void givesUpAfterTheRetryTimeAndFailsAtOnceWhenMisconfigured() throws Exception
    {
        final String schema = PostgresTestDatabase.newSchemaName();
        try (TcpProxy proxy = proxyToDatabase())
        {
            final String uri = through(proxy, PostgresTestDatabase.uriWithSchema(schema));
            proxy.cut();
            final long started = System.nanoTime();
            final StartupException gaveUp = assertThrows(StartupException.class,
                () -> new MistServer(config(uri, Duration.ofSeconds(2))).start());
            final long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(tookMillis >= 1900 && tookMillis < 15_000, "took " + tookMillis + " ms");
            assertTrue(gaveUp.getMessage().startsWith("Failed to start the authenticator (--authenticator) - " +
                "postgres: "), gaveUp.getMessage());
            assertTrue(gaveUp.getMessage().endsWith(" in 2s (--authenticator-retry)"), gaveUp.getMessage());

            final long before = System.nanoTime();
            final StartupException misconfigured = assertThrows(StartupException.class,
                () -> new MistServer(config(uri.replace("schema=", "schema=bad-name-"), Duration.ofSeconds(30)))
                    .start());
            assertTrue(misconfigured.getMessage().contains("must be a plain identifier"), misconfigured.getMessage());
            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - before) < 5, "no retry when misconfigured");
        }
        finally
        {
            PostgresTestDatabase.dropSchema(schema);
        }
    }
}
