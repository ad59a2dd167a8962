package io.mist.codec;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.mist.codec.FrameTestSupport.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonFrameScannerTest
{
    /** Splits a whole stream into frames the way the TCP handler does. */
    private static List<String> frames(final JsonFrameScanner scanner, final ByteBuf in)
    {
        final List<String> frames = new ArrayList<>();
        while (in.isReadable())
        {
            if (!scanner.inFrame() && !JsonFrameScanner.skipWhitespace(in))
            {
                break;
            }
            final int length = scanner.scan(in);
            if (length < 0)
            {
                break;
            }
            frames.add(in.readCharSequence(length, java.nio.charset.StandardCharsets.UTF_8).toString());
        }
        return frames;
    }

    @Test
    void findsOneObjectPerLine()
    {
        assertEquals(List.of("{\"command\":\"ping\"}", "{\"command\":\"list\"}"),
            frames(new JsonFrameScanner(1024), buf("{\"command\":\"ping\"}\n{\"command\":\"list\"}\n")));
    }

    @Test
    void findsSeveralObjectsOnOneLineAndSkipsBlankLines()
    {
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "null"),
            frames(new JsonFrameScanner(1024), buf("\n\n  {\"a\":1}{\"b\":2}\r\n\t null \n")));
    }

    @Test
    void objectMaySpanLines()
    {
        assertEquals(List.of("{\"command\":\n\"ping\"\n}"),
            frames(new JsonFrameScanner(1024), buf("{\"command\":\n\"ping\"\n}")));
    }

    @Test
    void bracesAndQuotesInsideStringsDoNotEndTheFrame()
    {
        final String frame = "{\"data\":\"} { \\\" ] [\"}";
        assertEquals(List.of(frame), frames(new JsonFrameScanner(1024), buf(frame + "\n")));
    }

    @Test
    void resumesAcrossPartialReads()
    {
        final JsonFrameScanner scanner = new JsonFrameScanner(1024);
        final ByteBuf in = buf("{\"command\":\"pi");
        assertTrue(JsonFrameScanner.skipWhitespace(in));
        assertEquals(JsonFrameScanner.NEED_MORE, scanner.scan(in));
        assertTrue(scanner.inFrame());
        in.writeCharSequence("ng\"}\n", java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(18, scanner.scan(in));
    }

    @Test
    void frameOverTheLimitIsReportedOnceTheLimitIsPassed()
    {
        final JsonFrameScanner scanner = new JsonFrameScanner(16);
        final ByteBuf in = buf("{\"data\":\"0123456789");
        assertTrue(JsonFrameScanner.skipWhitespace(in));
        assertEquals(JsonFrameScanner.TOO_LONG, scanner.scan(in));
        assertFalse(scanner.inFrame());
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted()
    {
        final String frame = "{\"data\":\"01234\"}"; // 16 bytes
        assertEquals(16, frame.length());
        final JsonFrameScanner scanner = new JsonFrameScanner(16);
        final ByteBuf in = buf(frame);
        assertTrue(JsonFrameScanner.skipWhitespace(in));
        assertEquals(16, scanner.scan(in));
    }

    @Test
    void deepNestingIsRefused()
    {
        final JsonFrameScanner scanner = new JsonFrameScanner(1 << 20);
        final ByteBuf in = buf("[".repeat(JsonFrameScanner.MAX_DEPTH + 1));
        assertTrue(JsonFrameScanner.skipWhitespace(in));
        assertEquals(JsonFrameScanner.TOO_DEEP, scanner.scan(in));
    }

    @Test
    void literalEndsAtTheFirstDelimiter()
    {
        assertEquals(List.of("hello", "{\"a\":1}"), frames(new JsonFrameScanner(1024), buf("hello{\"a\":1}")));
    }
}
