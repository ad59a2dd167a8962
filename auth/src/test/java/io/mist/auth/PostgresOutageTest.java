package io.mist.auth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PostgreSQL authenticator while its database is unreachable and after it comes back, with a {@link TcpProxy}
 * between the store and the real server ({@link PostgresTestDatabase}) playing the outage: tokens already known keep
 * being decided from the in-memory snapshot, every admin write fails with the store's error and changes nothing, and
 * once the database answers again the store reconnects by itself.
 */
class PostgresOutageTest
{
    private static final String MASTER = "master-secret";

    private String schema;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws Exception
    {
        schema = PostgresTestDatabase.newSchemaName();
        PostgresTestDatabase.uriWithSchema(schema); // skips, or fails under CI=true, without a database
        final URI direct = URI.create(PostgresTestDatabase.URL);
        proxy = new TcpProxy(direct.getHost(), direct.getPort() < 0 ? 5432 : direct.getPort());
    }

    @AfterEach
    void stop() throws Exception
    {
        proxy.close();
        PostgresTestDatabase.dropSchema(schema);
    }

    private String proxiedUri()
    {
        final URI direct = URI.create(PostgresTestDatabase.URL);
        return "postgres://" + direct.getRawUserInfo() + "@127.0.0.1:" + proxy.port() + "?" + direct.getRawQuery() +
            "&schema=" + schema;
    }

    private static AdminResult admin(final TokenRegistry registry, final String command, final String token,
        final String... tags) throws Exception
    {
        return registry.admin(command, token, List.of(tags)).get(30, TimeUnit.SECONDS);
    }

    @Test
    void decisionsComeFromTheSnapshotWritesFailCleanlyAndTheStoreReconnects() throws Exception
    {
        try (TokenRegistry registry = new TokenRegistry(TokenStores.open(proxiedUri()), MASTER, false))
        {
            assertNull(admin(registry, "register", "before", "news").error());

            proxy.cut();
            assertTrue(registry.check("before", "test").admitted(), "a known token is still let in");
            assertFalse(registry.check("never", "test").admitted(), "an unknown one is still refused");
            assertTrue(registry.check(MASTER, "test").admitted(), "the master token still works");

            final AdminResult register = admin(registry, "register", "during", "sports");
            assertNotNull(register.error(), "a write to an unreachable database is not reported as done");
            assertTrue(register.error().startsWith("postgres: cannot "), register.error());
            assertFalse(registry.check("during", "test").admitted(), "a failed register lets nobody in");
            assertNotNull(admin(registry, "unregister", "before").error());
            assertTrue(registry.check("before", "test").admitted(), "a failed unregister keeps the token");
            assertNotNull(admin(registry, "set", "before", "weather").error());
            assertEquals(List.of("news"), admin(registry, "tags", "before").tags(), "a failed set changes no tags");

            proxy.restore();
            assertNull(admin(registry, "register", "during", "sports").error(), "the store reconnected");
            assertTrue(registry.check("during", "test").admitted());
            assertNull(admin(registry, "set", "before", "weather").error());
        }
        try (TokenStore direct = TokenStores.open(PostgresTestDatabase.uriWithSchema(schema)))
        {
            assertEquals(Map.of("before", Set.of("news", "weather"), "during", Set.of("sports")), direct.load(),
                "the database holds exactly the writes that were reported done");
        }
    }
}
