package io.mist.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MistJsonWriterTest
{
    private static String string(final String value)
    {
        final GrowableBytes out = new GrowableBytes(4);
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        MistJsonWriter.string(out, bytes, 0, bytes.length);
        return new String(out.array(), 0, out.length(), StandardCharsets.UTF_8);
    }

    @Test
    void escapesHtmlSensitiveCharactersAsGoDoes()
    {
        assertEquals("\"h\u00e9\\u003c\\u003e\\u0026\"", string("h\u00e9<>&"));
    }

    @Test
    void escapesLineAndParagraphSeparators()
    {
        assertEquals("\"a\\u2028b\\u2029c\u2027\"", string("a\u2028b\u2029c\u2027"));
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters()
    {
        assertEquals("\"\\\"\\\\\\n\\r\\t\\u0008\\u000c\\u0001\"", string("\"\\\n\r\t\b\f\u0001"));
    }

    @Test
    void keepsNonAsciiAsRawUtf8()
    {
        assertEquals("\"\uD83D\uDE00 \u00fc\"", string("\uD83D\uDE00 \u00fc"));
    }

    @Test
    void writesMembersInMistOrderWithTrailingNewline()
    {
        final GrowableBytes out = new GrowableBytes(8);
        MistJsonWriter.openCommand(out, Command.PUBLISH);
        MistJsonWriter.openTags(out);
        MistJsonWriter.arrayElement(out, true, "a".getBytes(), 0, 1);
        MistJsonWriter.arrayElement(out, false, "b".getBytes(), 0, 1);
        MistJsonWriter.closeArray(out);
        MistJsonWriter.data(out, "d".getBytes(), 0, 1);
        MistJsonWriter.error(out, "e");
        MistJsonWriter.close(out);
        assertEquals("{\"command\":\"publish\",\"tags\":[\"a\",\"b\"],\"data\":\"d\",\"error\":\"e\"}\n",
            new String(out.array(), 0, out.length(), StandardCharsets.UTF_8));
    }
}
