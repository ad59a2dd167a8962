package io.mist.auth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract against a real PostgreSQL ({@link PostgresTestDatabase}), in a schema of its own that is dropped
 * afterwards.
 */
class PostgresTokenStoreTest extends TokenRegistryContract
{
    private String schema;

    @BeforeEach
    void newSchema()
    {
        schema = PostgresTestDatabase.newSchemaName();
    }

    @AfterEach
    void dropIt() throws Exception
    {
        PostgresTestDatabase.dropSchema(schema);
    }

    @Override
    TokenStore openStore() throws Exception
    {
        return TokenStores.open(PostgresTestDatabase.uriWithSchema(schema));
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
        try (Connection connection = PostgresTestDatabase.connect();
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
        final StoreException refused = assertThrows(StoreException.class, () -> TokenStores.open(unreachable));
        assertTrue(refused.getMessage().startsWith("postgres: cannot create the tokens and tags tables: " +
            "cannot connect"), refused.getMessage());
    }

    @Test
    void passwordIsNotInTheDescription() throws Exception
    {
        // The test server trusts local connections, so any password is accepted; it must never be shown.
        final String withPassword = PostgresTestDatabase.uriWithSchema(schema).replace("postgres@", "postgres:s3cret@");
        try (TokenStore store = TokenStores.open(withPassword))
        {
            assertFalse(store.describe().contains("s3cret"), store.describe());
            assertEquals(Map.of(), store.load());
        }
    }

    @Test
    void aStoreErrorDoesNotCarryTheToken() throws Exception
    {
        try (TokenStore store = openStore())
        {
            store.register("s3cret-token", java.util.Set.of("a"));
            // The registry would refuse a duplicate from its snapshot; straight to the store, PostgreSQL refuses it
            // with the value in its detail line, which must not reach the reply or the log.
            final StoreException duplicate = assertThrows(StoreException.class,
                () -> store.register("s3cret-token", java.util.Set.of()));
            assertTrue(duplicate.getMessage().contains("duplicate key"), duplicate.getMessage());
            assertFalse(duplicate.getMessage().contains("s3cret"), duplicate.getMessage());
        }
    }
}
