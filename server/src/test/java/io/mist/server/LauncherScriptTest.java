package io.mist.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ./mist} launcher, run by bash from a symlink on a PATH directory, against a stand-in {@code java} that
 * prints the arguments it gets: it finds its checkout through the link, and keeps quoted MIST_JAVA_OPTS values whole
 * without running anything in them.
 */
class LauncherScriptTest
{
    @Test
    void worksThroughASymlinkAndKeepsQuotedJavaOptionsWhole(@TempDir final Path dir) throws Exception
    {
        final Path checkout = Files.createDirectories(dir.resolve("opt/mist"));
        Files.copy(Path.of("..", "mist"), checkout.resolve("mist"));
        executable(checkout.resolve("mist"));
        Files.createDirectories(checkout.resolve("server/target"));
        Files.writeString(checkout.resolve("server/target/mist.jar"), ""); // nothing newer: no build
        final Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("mist"), Path.of("../opt/mist/mist"));
        final Path javaHome = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.writeString(javaHome.resolve("java"), "#!/usr/bin/env bash\n" +
            "if [ \"$1\" = -version ]; then echo 'openjdk version \"17.0.9\"' >&2; exit 0; fi\n" +
            "for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\n");
        executable(javaHome.resolve("java"));
        final Path marker = dir.resolve("ran");

        final ProcessBuilder builder = new ProcessBuilder("bash", "-c", "mist --server --token-file 't f'")
            .redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        builder.environment().put("MIST_JAVA_OPTS", "-Xmx64m -Dmist.a=\"x y\" '-Dmist.b=it''s' -Dmist.c=$(touch " +
            marker + ")");
        final Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertEquals(List.of("<--add-modules>", "<jdk.incubator.vector>", "<-Xmx64m>", "<-Dmist.a=x y>", "<-Dmist.b=its>", "<-Dmist.c=$(touch>",
            "<" + marker + ")>",
            "<-jar>", "<" + checkout.toRealPath().resolve("server/target/mist.jar") + ">", "<--server>",
            "<--token-file>", "<t f>"), output.lines().toList());
        assertFalse(Files.exists(marker), "nothing in MIST_JAVA_OPTS was run");

        // The client commands and --version run without the Vector API module (the JDK would print a note about it).
        for (final String command : List.of("mist ping --host 127.0.0.1:1", "mist --version", "mist -h"))
        {
            builder.command("bash", "-c", command);
            builder.environment().remove("MIST_JAVA_OPTS");
            final Process client = builder.start();
            assertTrue(client.waitFor(30, TimeUnit.SECONDS));
            final List<String> args = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines().toList();
            assertEquals("<-jar>", args.get(0), command + ": " + args);
        }
    }

    private static void executable(final Path file) throws Exception
    {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
