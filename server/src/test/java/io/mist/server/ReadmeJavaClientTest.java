package io.mist.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java client example, as written: taken from README.md, compiled against the client, and run in a
 * JVM of its own against a real server (the one change: the server's ephemeral port for 1445).
 */
class ReadmeJavaClientTest
{
    @Test
    void theExampleRunsAsWritten(@TempDir final Path dir) throws Exception
    {
        final String readme = Files.readString(Path.of("..", "README.md"));
        final int section = readme.indexOf("\n## Java client\n");
        assertTrue(section >= 0, "the README has a Java client section");
        final int start = readme.indexOf("```java\n", section) + "```java\n".length();
        final String snippet = readme.substring(start, readme.indexOf("```\n", start));
        final List<String> imports = new ArrayList<>();
        final StringBuilder body = new StringBuilder();
        for (final String line : snippet.split("\n"))
        {
            if (line.startsWith("import "))
            {
                imports.add(line);
            }
            else
            {
                body.append(line).append('\n');
            }
        }
        try (ServerFixture fixture = new ServerFixture())
        {
            final String source = String.join("\n", imports) + "\npublic class ReadmeExample {\n" +
                "    public static void main(String[] args) throws Exception {\n" +
                body.toString().replace("1445", Integer.toString(fixture.address.getPort())) + "    }\n}\n";
            final Path file = dir.resolve("ReadmeExample.java");
            Files.writeString(file, source);
            final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            final ByteArrayOutputStream errors = new ByteArrayOutputStream();
            final String classpath = System.getProperty("java.class.path");
            assertEquals(0, compiler.run(null, null, errors, "-d", dir.toString(), "-cp", classpath, file.toString()),
                "the example compiles:\n" + source + "\n" + errors.toString(StandardCharsets.UTF_8));
            final Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", dir + java.io.File.pathSeparator + classpath, "ReadmeExample").redirectErrorStream(true).start();
            assertTrue(run.waitFor(30, TimeUnit.SECONDS), "the example finished");
            final String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, run.exitValue(), output);
            assertTrue(output.endsWith("[hello, world] hi\n"), output);
        }
    }
}
