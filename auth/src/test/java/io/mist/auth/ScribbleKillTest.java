package io.mist.auth;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scribble store whose process is killed with SIGKILL in the middle of a stream of writes keeps every write it
 * acknowledged, and every token file it left is whole: a file is only ever replaced by a complete, synced one
 * (temporary file, fsync, atomic rename, directory fsync).
 */
class ScribbleKillTest
{
    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed after {0} acknowledged writes")
    @ValueSource(ints = { 1, 7, 37, 90, 150, 260, 400, 700 })
    void aKilledWriterLosesNoAcknowledgedWrite(final int acknowledgedBeforeKill) throws Exception
    {
        final Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), ScribbleWriterProcess.class.getName(), dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final Map<String, Set<String>> acknowledged = new HashMap<>();
        int lines = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = out.readLine()) != null)
            {
                if (++lines == acknowledgedBeforeKill)
                {
                    // SIGKILL through the handle, which (unlike Process.destroyForcibly) leaves our end of its output
                    // open: the writer is stopped wherever it is, mid-write or not.
                    child.toHandle().destroyForcibly();
                }
                // A line printed before the kill is an acknowledged write, even when it is read after it.
                final String[] words = line.split(" ");
                acknowledged.computeIfAbsent(words[1], t -> new TreeSet<>()).add(words[2]);
            }
        }
        assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the writer is gone");
        assertTrue(lines >= acknowledgedBeforeKill, "the writer acknowledged " + lines + " writes before it died: " +
            "is the child's class path complete?");

        final Map<String, Set<String>> stored;
        try (TokenStore store = TokenStores.open("scribble://?db=" + dir))
        {
            stored = store.load(); // fails if any token file was left half written
        }
        for (final Map.Entry<String, Set<String>> write : acknowledged.entrySet())
        {
            final Set<String> tags = stored.get(write.getKey());
            assertNotNull(tags, write.getKey() + " was acknowledged but is gone");
            assertTrue(tags.containsAll(write.getValue()), write.getKey() + " lost acknowledged tags: stored " + tags +
                ", acknowledged " + write.getValue());
        }
        // At most the one write in flight at the kill is on disk without an acknowledgement.
        assertTrue(stored.size() <= acknowledged.size() + 1, "stored " + stored.size() + " tokens for " +
            acknowledged.size() + " acknowledged");
    }
}
