package io.mist.auth;

import java.net.URI;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@code postgres://user[:password]@host:port?db=NAME[&sslmode=MODE][&schema=NAME]}: mist's schema
 * ({@code tokens(token, token_id)}, {@code tags(token_id, tag)}, created when absent), so an existing mist database
 * works. Unlike mist it honours the password and {@code sslmode} (default {@code disable}, as mist), and
 * {@code unset} really removes tags. Each write is one transaction. The store keeps one connection (all writes come
 * from the server's one admin thread), checks it before use and reconnects when the database went away; connect
 * and socket timeouts bound how long an unreachable database can hold a write.
 */
public final class PostgresTokenStore implements TokenStore
{
    private static final int CONNECT_TIMEOUT_S = 5;
    private static final int SOCKET_TIMEOUT_S = 15;

    private final String jdbcUrl;
    private final Properties properties;
    private final String described;
    private final String schema;
    private Connection connection;

    PostgresTokenStore(final String jdbcUrl, final Properties properties, final String described, final String schema)
        throws StoreException
    {
        this.jdbcUrl = jdbcUrl;
        this.properties = properties;
        this.described = described;
        this.schema = schema;
        createSchema();
    }

    private void createSchema() throws StoreException
    {
        transaction(connection ->
        {
            try (Statement statement = connection.createStatement())
            {
                if (schema != null)
                {
                    statement.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
                }
                statement.execute("CREATE TABLE IF NOT EXISTS tokens (token text NOT NULL PRIMARY KEY, " +
                    "token_id serial UNIQUE NOT NULL)");
                statement.execute("CREATE TABLE IF NOT EXISTS tags (token_id integer NOT NULL REFERENCES " +
                    "tokens (token_id) ON DELETE CASCADE, tag text NOT NULL, PRIMARY KEY (token_id, tag))");
            }
            return null;
        }, "create the tokens and tags tables");
    }

    @Override
    public boolean shared()
    {
        return true;
    }

    @Override
    public Map<String, Set<String>> load() throws StoreException
    {
        return transaction(connection ->
        {
            final Map<String, Set<String>> all = new HashMap<>();
            try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                    "SELECT t.token, g.tag FROM tokens t LEFT JOIN tags g ON g.token_id = t.token_id"))
            {
                while (rows.next())
                {
                    final Set<String> tags = all.computeIfAbsent(rows.getString(1), t -> new HashSet<>());
                    final String tag = rows.getString(2);
                    if (tag != null)
                    {
                        tags.add(tag);
                    }
                }
            }
            return all;
        }, "read the tokens");
    }

    @Override
    public void register(final String token, final Set<String> tags) throws StoreException
    {
        transaction(connection ->
        {
            final int id;
            try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO tokens (token) VALUES (?) RETURNING token_id"))
            {
                insert.setString(1, token);
                try (ResultSet key = insert.executeQuery())
                {
                    key.next();
                    id = key.getInt(1);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO tags (token_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING"))
            {
                for (final String tag : tags)
                {
                    insert.setInt(1, id);
                    insert.setString(2, tag);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        }, "register a token");
    }

    @Override
    public void unregister(final String token) throws StoreException
    {
        transaction(connection ->
        {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM tokens WHERE token = ?"))
            {
                delete.setString(1, token);
                delete.executeUpdate();
            }
            return null;
        }, "unregister a token");
    }

    @Override
    public void addTags(final String token, final Set<String> tags) throws StoreException
    {
        transaction(connection ->
        {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO tags (token_id, tag) " +
                "SELECT token_id, ? FROM tokens WHERE token = ? ON CONFLICT DO NOTHING"))
            {
                for (final String tag : tags)
                {
                    insert.setString(1, tag);
                    insert.setString(2, token);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        }, "add tags to a token");
    }

    @Override
    public void removeTags(final String token, final Set<String> tags) throws StoreException
    {
        transaction(connection ->
        {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM tags WHERE token_id = " +
                "(SELECT token_id FROM tokens WHERE token = ?) AND tag = ANY (?)"))
            {
                final Array list = connection.createArrayOf("text", tags.toArray());
                delete.setString(1, token);
                delete.setArray(2, list);
                delete.executeUpdate();
                list.free();
            }
            return null;
        }, "remove tags from a token");
    }

    /** One unit of work in one transaction. */
    private interface Work<T>
    {
        T run(Connection connection) throws SQLException;
    }

    private <T> T transaction(final Work<T> work, final String what) throws StoreException
    {
        final Connection connection;
        try
        {
            connection = connection();
        }
        catch (final SQLException ex)
        {
            throw StoreException.unavailable("postgres: cannot " + what + ": cannot connect to " + described +
                " (" + firstLine(ex.getMessage()) + ")", ex);
        }
        try
        {
            final T result = work.run(connection);
            connection.commit();
            return result;
        }
        catch (final SQLException ex)
        {
            try
            {
                connection.rollback();
            }
            catch (final SQLException rollback)
            {
                closeQuietly(); // the connection is broken; the next call opens a new one
            }
            final String message = "postgres: cannot " + what + " (" + firstLine(ex.getMessage()) + ")";
            throw unreachable(ex) ? StoreException.unavailable(message, ex) : new StoreException(message, ex);
        }
    }

    /**
     * A failure of the connection rather than of the statement: SQL state class 08 (connection exception), or the
     * server starting up or shutting down (57P01-57P03).
     */
    private static boolean unreachable(final SQLException ex)
    {
        final String state = ex.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") ||
            state.equals("57P03"));
    }

    /** PostgreSQL puts the offending values (a token) in the lines after the first ("Detail: Key (token)=..."). */
    private static String firstLine(final String message)
    {
        if (message == null)
        {
            return "no message";
        }
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).trim();
    }

    /** The cached connection when it still answers, else a new one. */
    private Connection connection() throws SQLException
    {
        if (connection != null && connection.isValid(CONNECT_TIMEOUT_S))
        {
            return connection;
        }
        closeQuietly();
        connection = DriverManager.getConnection(jdbcUrl, properties);
        connection.setAutoCommit(false);
        return connection;
    }

    private void closeQuietly()
    {
        if (connection != null)
        {
            try
            {
                connection.close();
            }
            catch (final SQLException ignored)
            {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public String describe()
    {
        return described;
    }

    @Override
    public void close()
    {
        closeQuietly();
    }

    /** The {@code postgres} and {@code postgresql} schemes. */
    public static final class Provider implements TokenStoreProvider
    {
        @Override
        public Set<String> schemes()
        {
            return Set.of("postgres", "postgresql");
        }

        @Override
        public TokenStore open(final URI uri) throws StoreException
        {
            final Map<String, String> query = QueryParameters.of(uri);
            final String host = uri.getHost();
            if (host == null)
            {
                throw new StoreException("postgres authenticator: expected postgres://user[:password]@host:port" +
                    "?db=NAME, got '" + Redaction.uri(uri.toString()) + "'");
            }
            final String db = query.getOrDefault("db", "postgres");
            final int port = uri.getPort() < 0 ? 5432 : uri.getPort();
            final Properties properties = new Properties();
            final String userInfo = uri.getUserInfo();
            String user = "postgres";
            if (userInfo != null && !userInfo.isEmpty())
            {
                final int colon = userInfo.indexOf(':');
                user = colon < 0 ? userInfo : userInfo.substring(0, colon);
                if (colon >= 0)
                {
                    properties.setProperty("password", userInfo.substring(colon + 1));
                }
            }
            properties.setProperty("user", user);
            properties.setProperty("sslmode", query.getOrDefault("sslmode", "disable"));
            properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_S));
            properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_S));
            properties.setProperty("ApplicationName", "mist");
            final String schema = query.get("schema");
            if (schema != null)
            {
                if (!schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}"))
                {
                    throw new StoreException("postgres authenticator: schema '" + schema +
                        "' must be a plain identifier (letters, digits, _)");
                }
                properties.setProperty("currentSchema", schema.toLowerCase(Locale.ROOT));
            }
            final String jdbcUrl = "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port +
                "/" + db;
            final String described = "postgres://" + user + "@" + host + ":" + port + "?db=" + db;
            return new PostgresTokenStore(jdbcUrl, properties, described,
                schema == null ? null : schema.toLowerCase(Locale.ROOT));
        }
    }
}
