package io.mist.server;

import io.mist.auth.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens registered over the wire survive a server restart with the scribble and PostgreSQL authenticators, and the
 * restarted server enforces them.
 */
class AuthenticatorRestartTest
{
    @Test
    void scribbleTokensSurviveARestart(@TempDir final Path dir) throws Exception
    {
        registerRestartAndUse("scribble://?db=" + dir);
        assertTrue(Files.exists(dir.resolve("tokens/kept.json")), "mist's layout on disk");
    }

    @Test
    void postgresTokensSurviveARestart() throws Exception
    {
        final String schema = PostgresTestDatabase.newSchemaName();
        try
        {
            registerRestartAndUse(PostgresTestDatabase.uriWithSchema(schema));
        }
        finally
        {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    private static void registerRestartAndUse(final String authenticator) throws Exception
    {
        try (ServerFixture first = AuthenticationTest.start(authenticator, false);
            TestClient admin = AuthenticationTest.admin(first))
        {
            admin.send("{\"command\":\"register\",\"tags\":[\"a\",\"b\"],\"data\":\"kept\"}");
            admin.send("{\"command\":\"unset\",\"tags\":[\"b\"],\"data\":\"kept\"}");
            admin.send("{\"command\":\"register\",\"tags\":[\"x\"],\"data\":\"dropped\"}");
            admin.send("{\"command\":\"unregister\",\"data\":\"dropped\"}").sync();
        }
        try (ServerFixture second = AuthenticationTest.start(authenticator, false);
            TestClient admin = AuthenticationTest.admin(second); TestClient user = second.connect();
            TestClient gone = second.connect())
        {
            admin.send("{\"command\":\"tags\",\"data\":\"kept\"}");
            admin.expect("{\"command\":\"tags\",\"tags\":[\"a\"]}");
            admin.send("{\"command\":\"subscribe\",\"tags\":[\"a\"]}").sync();
            user.send("{\"command\":\"auth\",\"data\":\"kept\"}").sync();
            user.send("{\"command\":\"publish\",\"tags\":[\"b\"],\"data\":\"x\"}");
            assertTrue(user.read().contains("Forbidden"), "the unset tag stayed unset");
            user.send("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"after restart\"}");
            admin.expect("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"after restart\"}");
            gone.send("{\"command\":\"auth\",\"data\":\"dropped\"}");
            gone.expectClosed(); // refused, without a word, as mist
        }
    }
}
