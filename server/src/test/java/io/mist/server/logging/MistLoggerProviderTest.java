package io.mist.server.logging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SLF4J backend: it is the one SLF4J finds, mist's line format, JSON lines, levels, Netty kept quiet. */
class MistLoggerProviderTest
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void restore()
    {
        MistLoggerProvider.configure(Level.INFO, LogFormat.TEXT, System.out);
    }

    private String[] lines()
    {
        return out.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void textLinesAreMists()
    {
        MistLoggerProvider.configure(Level.INFO, LogFormat.TEXT, new PrintStream(out, true, StandardCharsets.UTF_8));
        final Logger log = LoggerFactory.getLogger("mist");
        log.info("TCP server listening at '{}'...", "127.0.0.1:1445");
        log.debug("not shown at INFO");
        final String[] lines = lines();
        assertEquals(1, lines.length, out.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\[mist] INFO TCP server listening at " +
            "'127.0.0.1:1445'\\.\\.\\."), lines[0]);
    }

    @Test
    void jsonLinesForLogShippers()
    {
        MistLoggerProvider.configure(Level.DEBUG, LogFormat.JSON, new PrintStream(out, true, StandardCharsets.UTF_8));
        final Logger log = LoggerFactory.getLogger("mist.auth");
        log.warn("a \"quoted\"\nline");
        log.error("failed", new IllegalStateException("boom"));
        LoggerFactory.getLogger("io.netty.channel.Whatever").debug("Netty stays quiet at DEBUG");
        final String[] lines = lines();
        assertEquals(2, lines.length, out.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].matches("\\{\"time\":\"[0-9T:.Z-]+\",\"level\":\"WARN\",\"logger\":\"mist.auth\"," +
            "\"message\":\"a \\\\\"quoted\\\\\"\\\\nline\"}"), lines[0]);
        assertTrue(lines[1].contains("\"level\":\"ERROR\"") && lines[1].contains("\"error\":\"java.lang." +
            "IllegalStateException: boom\\n"), lines[1]);
    }
}
