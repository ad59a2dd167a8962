package io.mist.auth;

import org.junit.jupiter.api.Assumptions;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The PostgreSQL the tests use: {@code MIST_TEST_POSTGRES_URL}, by default
 * {@code postgres://postgres@127.0.0.1:5432?db=test}. Each test works in a schema of its own. Without a server the
 * tests are skipped with a message, except under {@code CI=true}, where they fail. Shared with the server's tests.
 */
public final class PostgresTestDatabase
{
    public static final String URL = System.getenv().getOrDefault("MIST_TEST_POSTGRES_URL",
        "postgres://postgres@127.0.0.1:5432?db=test");

    private PostgresTestDatabase()
    {
    }

    public static String newSchemaName()
    {
        return "mist_test_" + Long.toHexString(System.nanoTime());
    }

    /** The authenticator URI with {@code schema}; skips (or fails under CI) when no server answers. */
    public static String uriWithSchema(final String schema)
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

    /** A plain JDBC connection to the test database. */
    public static Connection connect() throws SQLException
    {
        final URI uri = URI.create(URL);
        final Properties properties = new Properties();
        final String userInfo = uri.getUserInfo();
        properties.setProperty("user", userInfo == null ? "postgres" : userInfo.split(":", 2)[0]);
        if (userInfo != null && userInfo.contains(":"))
        {
            properties.setProperty("password", userInfo.split(":", 2)[1]);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" +
            (uri.getPort() < 0 ? 5432 : uri.getPort()) + "/" +
            QueryParameters.of(uri).getOrDefault("db", "postgres"), properties);
    }

    /** Drops a test schema; nothing to do when there is no server (the test was skipped). */
    public static void dropSchema(final String schema) throws SQLException
    {
        final Connection connection;
        try
        {
            connection = connect();
        }
        catch (final SQLException unreachable)
        {
            return;
        }
        try (connection; Statement statement = connection.createStatement())
        {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
