package io.mist.auth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract against a real PostgreSQL, in a schema of its own that is dropped afterwards. The server is
 * {@code MIST_TEST_POSTGRES_URL} (default {@code postgres://postgres@127.0.0.1:5432?db=test}); without one the
 * test is skipped with a message, except under {@code CI=true}, where it fails.
 */
class PostgresTokenStoreTest extends TokenRegistryContract
{
    static final String URL = System.getenv().getOrDefault("MIST_TEST_POSTGRES_URL",
        "postgres://postgres@127.0.0.1:5432?db=test");
    private String schema;

    /** The test server's URI with a schema of the given name; skips (or fails under CI) when no server answers. */
    static String uriWithSchema(final String schema)
    {
        final String uri = URL + (URL.contains("?") ? "&" : "?") + "schema=" + schema;
        try
        {
            TokenStores.open(uri).close();
        }
        catch (final StoreException ex)
        {
            final String why = "no PostgreSQL at " + URL + " (" + ex.getMessage() + "); set MIST_TEST_POSTGRES_URL";
            if ("true".equals(System.getenv("CI")))
            {
                fail(why + "; under CI=true the PostgreSQL tests must run");
            }
            Assumptions.abort(why + " - skipping");
        }
        return uri;
    }

    /** Drops a test schema with plain JDBC. */
    static void dropSchema(final String schema) throws Exception
    {
        final java.net.URI uri = java.net.URI.create(URL);
        final String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
        final String db = QueryParameters.of(uri).getOrDefault("db", "postgres");
        final java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", user);
        if (uri.getUserInfo() != null && uri.getUserInfo().contains(":"))
        {
            properties.setProperty("password", uri.getUserInfo().substring(uri.getUserInfo().indexOf(':') + 1));
        }
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" +
            (uri.getPort() < 0 ? 5432 : uri.getPort()) + "/" + db, properties);
            Statement statement = connection.createStatement())
        {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @BeforeEach
    void newSchema()
    {
        schema = "mist_test_" + Long.toHexString(System.nanoTime());
    }

    @AfterEach
    void dropIt() throws Exception
    {
        dropSchema(schema);
    }

    @Override
    TokenStore openStore() throws Exception
    {
        return TokenStores.open(uriWithSchema(schema));
    }

    @Override
    TokenStore reopen() throws Exception
    {
        return openStore();
    }

    @Test
    void usesMistsSchema() throws Exception
    {
        try (TokenRegistry registry = new TokenRegistry(openStore(), "MASTER", false))
        {
            admin(registry, "register", "t1", "x", "y");
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), properties());
            Statement statement = connection.createStatement();
            ResultSet rows = statement.executeQuery("SELECT t.token, g.tag FROM " + schema + ".tokens t JOIN " +
                schema + ".tags g ON g.token_id = t.token_id ORDER BY g.tag"))
        {
            assertTrue(rows.next());
            assertEquals("t1", rows.getString(1));
            assertEquals("x", rows.getString(2));
            assertTrue(rows.next());
            assertEquals("y", rows.getString(2));
        }
    }

    @Test
    void unreachableDatabaseFailsStartupClearly() throws Exception
    {
        final String unreachable = "postgres://postgres@127.0.0.1:1?db=test";
        final StoreException refused = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
            () -> TokenStores.open(unreachable));
        assertTrue(refused.getMessage().startsWith("postgres: cannot create the tokens and tags tables: cannot connect"), refused.getMessage());
    }

    @Test
    void passwordIsNotInTheDescription() throws Exception
    {
        try (TokenStore store = TokenStores.open(uriWithSchema(schema).replace("postgres@", "postgres:s3cret@")))
        {
            assertTrue(!store.describe().contains("s3cret"), store.describe());
            assertEquals(Map.of(), store.load());
        }
        catch (final StoreException trustAuthIgnoresPasswords)
        {
            fail(trustAuthIgnoresPasswords.getMessage());
        }
    }

    private String jdbcUrl()
    {
        final java.net.URI uri = java.net.URI.create(URL);
        return "jdbc:postgresql://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort()) + "/" +
            QueryParameters.of(uri).getOrDefault("db", "postgres");
    }

    private java.util.Properties properties()
    {
        final java.net.URI uri = java.net.URI.create(URL);
        final java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0]);
        return properties;
    }

}
