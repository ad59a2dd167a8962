package io.mist.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of what a TCP client's bytes go through: the frame scanner over a stream cut at arbitrary
 * points, then the parser with Go's JSON rules. The only allowed failures are the protocol's own (a frame too long or
 * too deep, a {@link FrameException}); anything else thrown is a crash. What is parsed must be valid UTF-8 and survive
 * mist's writer and the parser again unchanged, and cutting the stream differently must not change the frames found.
 * <p>
 * The normal test run replays the inputs in {@code src/test/resources/io/mist/codec/CodecFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} Jazzer generates new ones (see README, Robustness).
 */
class CodecFuzzTest
{
    private static final int MAX_FRAME = 4096;

    @FuzzTest(maxDuration = "5m")
    void streamOfFrames(final FuzzedDataProvider data)
    {
        final int cut = data.consumeInt(1, 64);
        final byte[] stream = data.consumeRemainingAsBytes();
        final List<byte[]> whole = frames(stream, stream.length);
        final List<byte[]> pieces = frames(stream, cut);
        assertEquals(whole.size(), pieces.size(), "frames found depend on how the stream was cut");
        for (int i = 0; i < whole.size(); i++)
        {
            assertArrayEquals(whole.get(i), pieces.get(i));
        }
        final MistFrameParser parser = new MistFrameParser();
        final MistFrame frame = new MistFrame();
        for (final byte[] bytes : whole)
        {
            try
            {
                parser.parse(bytes, bytes.length, frame);
            }
            catch (final FrameException refused)
            {
                continue;
            }
            roundTrip(parser, frame);
        }
    }

    /** The frames a connection would find in {@code stream} when its bytes arrive {@code chunk} at a time. */
    private static List<byte[]> frames(final byte[] stream, final int chunk)
    {
        final List<byte[]> found = new ArrayList<>();
        final JsonFrameScanner scanner = new JsonFrameScanner(MAX_FRAME);
        final ByteBuf in = Unpooled.buffer();
        for (int at = 0; at < stream.length; at += chunk)
        {
            in.writeBytes(stream, at, Math.min(chunk, stream.length - at));
            while (in.isReadable())
            {
                if (!scanner.inFrame() && !JsonFrameScanner.skipWhitespace(in))
                {
                    break;
                }
                final int length = scanner.scan(in);
                if (length == JsonFrameScanner.NEED_MORE)
                {
                    break;
                }
                if (length < 0)
                {
                    // Too long or too deep: the connection is answered and closed; nothing after it counts.
                    found.add(new byte[] { (byte)length });
                    return found;
                }
                final byte[] bytes = new byte[length];
                in.readBytes(bytes);
                found.add(bytes);
            }
            in.discardReadBytes();
        }
        return found;
    }

    private static void roundTrip(final MistFrameParser parser, final MistFrame frame)
    {
        final byte[] command = Arrays.copyOf(frame.commandBytes(), frame.commandLength());
        final byte[] dataBytes = Arrays.copyOf(frame.dataBytes(), frame.dataLength());
        final List<byte[]> tags = new ArrayList<>();
        for (int i = 0; i < frame.tagCount(); i++)
        {
            tags.add(Arrays.copyOfRange(frame.tagBytes(), frame.tagOffset(i), frame.tagOffset(i) + frame.tagLength(i)));
        }
        assertValidUtf8(command);
        assertValidUtf8(dataBytes);
        tags.forEach(CodecFuzzTest::assertValidUtf8);

        final GrowableBytes out = new GrowableBytes(64);
        MistJsonWriter.openCommand(out, command, 0, command.length);
        if (!tags.isEmpty())
        {
            MistJsonWriter.openTags(out);
            for (int i = 0; i < tags.size(); i++)
            {
                MistJsonWriter.arrayElement(out, i == 0, tags.get(i), 0, tags.get(i).length);
            }
            MistJsonWriter.closeArray(out);
        }
        MistJsonWriter.data(out, dataBytes, 0, dataBytes.length);
        MistJsonWriter.close(out);
        if (frame.wireForm() != null)
        {
            // Kept as its own delivery: it must be byte for byte what mist writes for what was read.
            assertArrayEquals(Arrays.copyOf(out.array(), out.length() - 1),
                Arrays.copyOfRange(frame.wireForm(), frame.wireFormOffset(), frame.wireFormOffset() +
                    frame.wireFormLength()), "a wire form that is not mist's encoding");
        }

        final MistFrame again = new MistFrame();
        try
        {
            parser.parse(out.array(), out.length(), again);
        }
        catch (final FrameException ex)
        {
            throw new AssertionError("mist's own encoding of a parsed frame was refused: " +
                new String(out.array(), 0, out.length(), StandardCharsets.UTF_8), ex);
        }
        assertArrayEquals(command, Arrays.copyOf(again.commandBytes(), again.commandLength()));
        assertArrayEquals(dataBytes, Arrays.copyOf(again.dataBytes(), again.dataLength()));
        assertEquals(tags.size(), again.tagCount());
        for (int i = 0; i < tags.size(); i++)
        {
            assertArrayEquals(tags.get(i), Arrays.copyOfRange(again.tagBytes(), again.tagOffset(i),
                again.tagOffset(i) + again.tagLength(i)));
        }
    }

    private static void assertValidUtf8(final byte[] bytes)
    {
        try
        {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        }
        catch (final CharacterCodingException ex)
        {
            assertTrue(false, "the parser produced invalid UTF-8: " + Arrays.toString(bytes));
        }
    }
}
