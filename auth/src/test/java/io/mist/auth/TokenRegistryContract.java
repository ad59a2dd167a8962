package io.mist.auth;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mist's authenticator contract (spec §9, auth_test.go) and the admin session of spec §6.2, run against each store
 * through the registry, then checked in the store itself after a reload. Subclasses supply a fresh store.
 */
abstract class TokenRegistryContract
{
    /** A new, empty store; called again by {@link #reopen()} to read what the first one wrote. */
    abstract TokenStore openStore() throws Exception;

    /** The same store reopened (a restart); memory has nothing to reopen. */
    TokenStore reopen() throws Exception
    {
        return null;
    }

    static AdminResult admin(final TokenRegistry registry, final String command, final String token,
        final String... tags) throws Exception
    {
        return registry.admin(command, token, List.of(tags)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void backendContract() throws Exception
    {
        try (TokenRegistry registry = new TokenRegistry(openStore(), "MASTER", false))
        {
            assertEquals(TokenRegistry.NOT_FOUND, admin(registry, "tags", "fish").error());
            assertNull(admin(registry, "register", "fish").error());
            assertNull(admin(registry, "set", "fish", "onefish", "twofish").error());
            assertNull(admin(registry, "set", "fish", "onefish", "twofish").error());
            assertNull(admin(registry, "set", "fish", "twofish", "onefish").error());
            assertNull(admin(registry, "set", "fish", "redfish", "bluefish").error());
            assertEquals(List.of("bluefish", "onefish", "redfish", "twofish"), admin(registry, "tags", "fish").tags());
            assertNull(admin(registry, "unset", "fish", "onefish", "twofish").error());
            assertEquals(List.of("bluefish", "redfish"), admin(registry, "tags", "fish").tags());
            assertNull(admin(registry, "unregister", "fish").error());
            assertEquals(TokenRegistry.NOT_FOUND, admin(registry, "tags", "fish").error());
        }
    }

    @Test
    void adminSessionOfTheSpec() throws Exception
    {
        try (TokenRegistry registry = new TokenRegistry(openStore(), "TOKEN", false))
        {
            assertEquals(TokenRegistry.NOT_FOUND, admin(registry, "tags", "t1").error());
            assertNull(admin(registry, "register", "t1", "x", "y", "x").error());
            assertEquals(TokenRegistry.ALREADY_EXISTS, admin(registry, "register", "t1", "x").error());
            assertEquals(List.of("x", "y"), admin(registry, "tags", "t1").tags());
            assertNull(admin(registry, "unset", "t1", "x", "y", "q").error());
            // mist's postgres said "not found" for a token without tags; here it is an empty list.
            assertEquals(List.of(), admin(registry, "tags", "t1").tags());
            assertNull(admin(registry, "unregister", "t1").error());
            assertNull(admin(registry, "unregister", "t1").error(), "unregistering a missing token is fine");
            assertEquals(TokenRegistry.NOT_FOUND, admin(registry, "set", "t1", "x").error());
            assertEquals(TokenRegistry.NOT_FOUND, admin(registry, "unset", "t1", "x").error());
            assertEquals(TokenRegistry.EMPTY_TOKEN, admin(registry, "register", "").error());
            assertEquals(TokenRegistry.MASTER_TOKEN, admin(registry, "register", "TOKEN").error());
        }
    }

    @Test
    void tokensOpenWhatTheyShould() throws Exception
    {
        try (TokenRegistry registry = new TokenRegistry(openStore(), "MASTER", false))
        {
            admin(registry, "register", "browser", "user:7");
            assertSame(Access.ADMIN, registry.check("MASTER", "test"));
            final Access restricted = registry.check("browser", "test");
            assertEquals(Access.Kind.RESTRICTED, restricted.kind());
            assertEquals(Set.of("user:7"), restricted.grant().tags());
            assertSame(Access.DENIED, registry.check("MASTERX", "test"));
            assertSame(Access.DENIED, registry.check("", "test"));
            assertSame(Access.DENIED, registry.check(null, "test"));
            assertEquals(3, registry.failedAttempts());

            // A change reaches the grant object every open connection holds, at once.
            final int[] told = new int[1];
            restricted.grant().addListener(grant -> told[0]++);
            admin(registry, "set", "browser", "news");
            assertEquals(Set.of("user:7", "news"), restricted.grant().tags());
            admin(registry, "unregister", "browser");
            assertTrue(restricted.grant().revoked());
            assertEquals(2, told[0]);
            assertSame(Access.DENIED, registry.check("browser", "test"));
        }
    }

    @Test
    void whatWasWrittenIsThereAfterARestart() throws Exception
    {
        try (TokenRegistry registry = new TokenRegistry(openStore(), "MASTER", false))
        {
            admin(registry, "register", "keep", "a", "b");
            admin(registry, "register", "drop", "c");
            admin(registry, "unset", "keep", "b");
            admin(registry, "set", "keep", "z");
            admin(registry, "unregister", "drop");
        }
        final TokenStore reopened = reopen();
        if (reopened == null)
        {
            return; // memory:// keeps nothing, as mist's
        }
        try (reopened)
        {
            assertEquals(Map.of("keep", Set.of("a", "z")), reopened.load());
        }
    }
}
