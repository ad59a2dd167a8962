package io.mist.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract against {@code scribble://?db=DIR}, plus mist's on-disk format and the writes' safety. */
class ScribbleTokenStoreTest extends TokenRegistryContract
{
    @TempDir
    Path dir;

    @Override
    TokenStore openStore() throws Exception
    {
        return TokenStores.open("scribble://?db=" + dir);
    }

    @Override
    TokenStore reopen() throws Exception
    {
        return openStore();
    }

    @Test
    void filesAreMistsLayoutAndFormat() throws Exception
    {
        try (TokenRegistry registry = new TokenRegistry(openStore(), "MASTER", false))
        {
            admin(registry, "register", "t1", "y", "x<");
            admin(registry, "register", "bare");
        }
        assertEquals("{\n\t\"Value\": \"t1\",\n\t\"Tags\": {\n\t\t\"x\\u003c\": {},\n\t\t\"y\": {}\n\t}\n}",
            Files.readString(dir.resolve("tokens/t1.json")));
        assertEquals("{\n\t\"Value\": \"bare\",\n\t\"Tags\": {}\n}", Files.readString(dir.resolve("tokens/bare.json")));
        try (Stream<Path> files = Files.list(dir.resolve("tokens")))
        {
            assertEquals(List.of("bare.json", "t1.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                "no temporary file is left behind");
        }
    }

    @Test
    void anExistingMistDirectoryIsRead() throws Exception
    {
        Files.createDirectories(dir.resolve("tokens"));
        // As Go's scribble wrote it, "Tags" null included (between the two writes of mist's register).
        Files.writeString(dir.resolve("tokens/old.json"), "{\n\t\"Value\": \"old\",\n\t\"Tags\": {\n\t\t\"a\": {}\n\t}\n}");
        Files.writeString(dir.resolve("tokens/half.json"), "{\"Value\":\"half\",\"Tags\":null}");
        try (TokenStore store = openStore())
        {
            assertEquals(Map.of("old", Set.of("a"), "half", Set.of()), store.load());
        }
    }

    @Test
    void tokensThatWouldLeaveTheDirectoryAreRefused() throws Exception
    {
        try (TokenRegistry registry = new TokenRegistry(openStore(), "MASTER", false))
        {
            for (final String bad : new String[] { "../escape", "a/b", "..", ".", "a\\b", "nul\0" })
            {
                final String error = admin(registry, "register", bad, "x").error();
                assertTrue(error != null && error.startsWith("Invalid token for the scribble store"), bad + ": " + error);
                assertEquals(TokenRegistry.NOT_FOUND, admin(registry, "tags", bad).error(), "nothing was registered");
            }
        }
        assertFalse(Files.exists(dir.resolve("escape.json")));
        assertFalse(Files.exists(dir.resolve("tokens/a")));
    }

    @Test
    void missingDbIsMistsStartupError()
    {
        final StoreException missing = assertThrows(StoreException.class, () -> TokenStores.open("scribble://"));
        assertEquals("Missing database location in scheme (?db=)", missing.getMessage());
        assertEquals("Unsupported scheme 'redis'",
            assertThrows(StoreException.class, () -> TokenStores.open("redis://x")).getMessage());
    }

    @Test
    void mistsSpellingsWithoutSlashesOpenTheSameStores() throws Exception
    {
        // Go mist parses --authenticator with net/url, which takes "memory:" and "scribble:?db=DIR" as well.
        try (TokenStore store = TokenStores.open("scribble:?db=" + dir))
        {
            store.register("spelled", Set.of("a"));
        }
        assertTrue(Files.exists(dir.resolve("tokens/spelled.json")), "scribble:?db=DIR used DIR");
        try (TokenStore store = TokenStores.open("SCRIBBLE://?db=" + dir))
        {
            assertEquals(Map.of("spelled", Set.of("a")), store.load());
        }
        try (TokenStore store = TokenStores.open("memory:"))
        {
            assertTrue(store.load().isEmpty());
            assertTrue(store.describe().startsWith("memory"), store.describe());
        }
        assertEquals("Missing database location in scheme (?db=)",
            assertThrows(StoreException.class, () -> TokenStores.open("scribble:")).getMessage());
    }

    @Test
    void aFailedWriteIsReportedAndNotApplied() throws Exception
    {
        try (TokenRegistry registry = new TokenRegistry(openStore(), "MASTER", false))
        {
            admin(registry, "register", "t", "a");
            // A directory where the temporary file must go makes the write fail, whoever runs the test.
            Files.createDirectory(dir.resolve("tokens/t.json.tmp"));
            final String error = admin(registry, "set", "t", "b").error();
            assertTrue(error.startsWith("scribble: cannot write"), error);
            assertFalse(error.contains("t.json"), "no token in the error: " + error);
            assertEquals(List.of("a"), admin(registry, "tags", "t").tags(), "the snapshot did not change");
        }
        try (TokenStore store = openStore())
        {
            assertEquals(Map.of("t", Set.of("a")), store.load(), "the file did not change");
        }
    }
}
