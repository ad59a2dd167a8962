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

    @Test
    void plainDataIsCopiedExactlyAsTheEscapingWriterWouldWriteIt() throws FrameException
    {
        final MistFrameParser parser = new MistFrameParser();
        final MistFrame frame = new MistFrame();
        int plain = 0;
        // Every byte a JSON string may hold raw, alone and in a longer run, and a few escapes and non-ASCII.
        final java.util.List<String> payloads = new java.util.ArrayList<>();
        for (int c = 0x20; c <= 0x7F; c++)
        {
            if (c != '"' && c != '\\')
            {
                payloads.add(Character.toString(c));
                payloads.add("x" + (char)c + "y".repeat(40));
            }
        }
        payloads.add("caf\u00e9");
        payloads.add("\u00e9t\u00e9");
        payloads.add("a\\nb");
        payloads.add("\u2028");
        for (final String payload : payloads)
        {
            final byte[] json = ("{\"command\":\"publish\",\"data\":\"" + payload + "\"}")
                .getBytes(StandardCharsets.UTF_8);
            parser.parse(json, json.length, frame);
            final GrowableBytes escaped = new GrowableBytes(8);
            MistJsonWriter.data(escaped, frame.dataBytes(), 0, frame.dataLength());
            if (frame.dataPlain())
            {
                plain++;
                final GrowableBytes copied = new GrowableBytes(8);
                MistJsonWriter.plainData(copied, frame.dataBytes(), 0, frame.dataLength());
                assertEquals(new String(escaped.array(), 0, escaped.length(), StandardCharsets.UTF_8),
                    new String(copied.array(), 0, copied.length(), StandardCharsets.UTF_8), payload);
            }
        }
        // ASCII from 0x20 but " \ < > & (91 bytes, alone and in a run) is plain; escapes and non-ASCII are not.
        assertEquals(2 * (0x80 - 0x20 - 5), plain);
    }

    @Test
    void plainRunStopsAtTheFirstByteThatNeedsEscapingOrEndsTheString()
    {
        // Lengths up to 300 cover every vector path: whole vectors, the last one overlapping, the narrow one, and
        // strings shorter than any vector. Every third round lays plain bytes only between the special ones, up to
        // 1,200 of them, so runs outlast the first four vectors and end in either half of a pair of them.
        final java.util.Random random = new java.util.Random(11);
        final byte[] special = { '"', '\\', '<', '>', '&', 0x7F, 0x1F, 0x20, 0x7E, (byte)0x80, (byte)0xE2, (byte)0xFF, 0,
            '=', '.', (byte)('"' | 0x80), (byte)('\\' | 0x80), (byte)('<' | 0x80), (byte)('&' | 0x80), '>' | 0x20, '"' - 0x20 };
        for (int round = 0; round < 50_000; round++)
        {
            final byte[] bytes = new byte[1 + random.nextInt(round % 3 == 0 ? 40 : round % 3 == 1 ? 300 : 1200)];
            final int sparseness = 1 + random.nextInt(300);
            final boolean longRuns = round % 3 == 2;
            for (int i = 0; i < bytes.length; i++)
            {
                byte background = (byte)(0x20 + random.nextInt(0x60));
                while (longRuns && !plainByte(background))
                {
                    background = (byte)(0x20 + random.nextInt(0x60));
                }
                bytes[i] = random.nextInt(sparseness) == 0 ? special[random.nextInt(special.length)] : background;
            }
            final int from = random.nextInt(bytes.length);
            final int limit = from + random.nextInt(bytes.length - from + 1);
            int expected = from;
            while (expected < limit && plainByte(bytes[expected]))
            {
                expected++;
            }
            assertEquals(expected, MistJsonWriter.plainRun(bytes, from, limit), "round " + round);
            assertEquals(expected, MistJsonWriter.scalarPlainRun(bytes, from, limit), "scalar, round " + round);
        }
    }

    @Test
    void plainRunIsVectorisedWhenTheJvmHasTheVectorApi()
    {
        // The build's tests run with --add-modules jdk.incubator.vector (the parent pom's argLine), as the launchers
        // start the server: the vectorised scan is the one every other test exercises.
        assertEquals(true, VectorApi.present(), "test JVM's modules");
        assertEquals(true, MistJsonWriter.plainRunLanes() >= 16, "lanes: " + MistJsonWriter.plainRunLanes());
        // At most 256 bits even where the CPU has 512 (AVX-512): wider measured slower (VectorPlainRun.SPECIES).
        assertEquals(true, MistJsonWriter.plainRunLanes() <= 32, "lanes: " + MistJsonWriter.plainRunLanes());
    }

    private static boolean plainByte(final byte b)
    {
        return b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&';
    }
}
