package io.mist.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonStringDecoderTest
{
    private static byte[] decode(final byte[] json) throws FrameException
    {
        final GrowableBytes sink = new GrowableBytes(4);
        final int end = JsonStringDecoder.decode(json, 0, json.length, sink);
        assertEquals(json.length, end, "index after the closing quote");
        return java.util.Arrays.copyOf(sink.array(), sink.length());
    }

    private static String decode(final String json) throws FrameException
    {
        return new String(decode(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void plainAsciiIsCopied() throws FrameException
    {
        assertEquals("hello world", decode("\"hello world\""));
    }

    @Test
    void escapesAreResolved() throws FrameException
    {
        assertEquals("a\"b\\c/d\be\ff\ng\rh\ti", decode("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\""));
        assertEquals("h\u00e9<>&", decode("\"h\\u00e9\\u003c\\u003E\\u0026\""));
    }

    @Test
    void surrogatePairBecomesOneCodePoint() throws FrameException
    {
        assertEquals("\uD83D\uDE00", decode("\"\\uD83D\\uDE00\""));
    }

    @Test
    void loneSurrogateBecomesReplacementCharacter() throws FrameException
    {
        assertEquals("\uFFFDx", decode("\"\\uD83Dx\""));
        assertEquals("\uFFFD", decode("\"\\uDE00\""));
    }

    @Test
    void rawMultiByteUtf8IsKept() throws FrameException
    {
        assertEquals("héllo \u2028 \uD83D\uDE00", decode("\"héllo \u2028 \uD83D\uDE00\""));
    }

    @Test
    void invalidUtf8BytesBecomeReplacementCharacters() throws FrameException
    {
        final byte[] json = { '"', 'a', (byte)0xFF, 'b', (byte)0xC3, '"' };
        assertArrayEquals("a\uFFFDb\uFFFD".getBytes(StandardCharsets.UTF_8), decode(json));
        final byte[] overlong = { '"', (byte)0xC0, (byte)0xAF, '"' };
        assertArrayEquals("\uFFFD\uFFFD".getBytes(StandardCharsets.UTF_8), decode(overlong));
        final byte[] encodedSurrogate = { '"', (byte)0xED, (byte)0xA0, (byte)0x80, '"' };
        assertArrayEquals("\uFFFD\uFFFD\uFFFD".getBytes(StandardCharsets.UTF_8), decode(encodedSurrogate));
    }

    @Test
    void manyInvalidBytesFollowedByAsciiFit() throws FrameException
    {
        // Each ill-formed byte becomes three; the ASCII after them must still find room (found by CodecFuzzTest).
        final byte[] json = new byte[1 + 4 + 100 + 1];
        java.util.Arrays.fill(json, (byte)'x');
        json[0] = '"';
        java.util.Arrays.fill(json, 1, 5, (byte)0x87);
        json[json.length - 1] = '"';
        assertArrayEquals(("\uFFFD".repeat(4) + "x".repeat(100)).getBytes(StandardCharsets.UTF_8), decode(json));
    }

    @Test
    void sanitizingManyInvalidBytesFollowedByAsciiFits()
    {
        final byte[] raw = new byte[8 + 100];
        java.util.Arrays.fill(raw, 0, 8, (byte)0xFF);
        java.util.Arrays.fill(raw, 8, raw.length, (byte)'y');
        final GrowableBytes sink = new GrowableBytes(4);
        JsonStringDecoder.appendSanitized(raw, 0, raw.length, sink);
        assertArrayEquals(("\uFFFD".repeat(8) + "y".repeat(100)).getBytes(StandardCharsets.UTF_8),
            java.util.Arrays.copyOf(sink.array(), sink.length()));
    }

    @Test
    void rawControlCharacterIsAnError()
    {
        assertThrows(FrameException.class, () -> decode("\"a\nb\""));
    }

    @Test
    void badEscapeIsAnError()
    {
        assertThrows(FrameException.class, () -> decode("\"\\x\""));
        assertThrows(FrameException.class, () -> decode("\"\\u12G4\""));
    }

    @Test
    void unterminatedStringIsAnError()
    {
        assertThrows(FrameException.class, () -> decode("\"abc"));
    }
}
