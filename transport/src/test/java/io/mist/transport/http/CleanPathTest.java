package io.mist.transport.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Go's path.Clean, as mist's router applies it before it redirects. */
class CleanPathTest
{
    @Test
    void cleanPathsStayAsTheyAre()
    {
        for (final String path : new String[] {"/", "/ping", "/subscribe/websocket", "/a/b/", "/a.b/..c/"})
        {
            assertSame(path, CleanPath.of(path), path);
        }
    }

    @Test
    void uncleanPathsAsGoCleansThem()
    {
        assertEquals("/ping", CleanPath.of("//ping"));
        assertEquals("/ping", CleanPath.of("/a/../ping"));
        assertEquals("/ping", CleanPath.of("/./ping"));
        assertEquals("/ping", CleanPath.of("/../../ping"));
        assertEquals("/", CleanPath.of("/.."));
        assertEquals("/", CleanPath.of("//"));
        assertEquals("/a/c/", CleanPath.of("/a//b/../c//"));
        assertEquals("/health/live", CleanPath.of("/health/./live"));
    }

    @Test
    void locationsAreEscaped()
    {
        assertEquals("/ping", CleanPath.encode("/ping"));
        assertEquals("/a%20b/%C3%A9%3F", CleanPath.encode("/a b/é?"));
    }
}
