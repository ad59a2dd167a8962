package io.mist.bench;

import io.mist.codec.DslJsonFrameParser;
import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.JsonFrameScanner;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;

/**
 * Decoding one publish frame from a direct Netty buffer, as the TCP handler does: find its end, copy it out of the
 * socket buffer, parse command, tags and data. Reports frames decoded per second. {@code decodeWithDslJsonReader}
 * is the same with the dsl-json-based parser the codec started with, as a baseline.
 */
@State(Scope.Thread)
public class DecodeBenchmark extends DataPathBenchmark
{
    /** Bytes of data in the frame. */
    @Param({ "16", "128", "1024", "16384" })
    public int payload;

    /**
     * {@code delivery}: the frame is in mist's output form (tags in order), read in one pass and kept as its own
     * delivery; {@code other}: the same message with its tags in another order, read by the general path.
     */
    @Param({ "delivery", "other" })
    public String form;

    private ByteBuf wire;
    private final JsonFrameScanner scanner = new JsonFrameScanner(1 << 20);
    private final MistFrameParser parser = new MistFrameParser();
    private final DslJsonFrameParser dslJsonParser = new DslJsonFrameParser();
    private final MistFrame frame = new MistFrame();
    private final GrowableBytes copy = new GrowableBytes(4096);
    private int copied;

    @Setup
    public void setUp()
    {
        final String tags = form.equals("delivery") ? "\"eu-west\",\"orders\",\"priority\"" :
            "\"orders\",\"eu-west\",\"priority\"";
        final String json = "{\"command\":\"publish\",\"tags\":[" + tags + "],\"data\":\"" + "p".repeat(payload) +
            "\"}\n";
        wire = PooledByteBufAllocator.DEFAULT.directBuffer(json.length());
        wire.writeCharSequence(json, StandardCharsets.UTF_8);
        copied = scanAndCopy();
    }

    @TearDown
    public void tearDown()
    {
        wire.release();
    }

    @Benchmark
    public int decode() throws FrameException
    {
        final int length = scanAndCopy();
        parser.parse(copy.array(), length, frame);
        return frame.tagCount() + frame.dataLength();
    }

    /** The parse alone, of a frame already copied out of the socket buffer (what the TCP path's line reader runs). */
    @Benchmark
    public int parse() throws FrameException
    {
        parser.parse(copy.array(), copied, frame);
        return frame.tagCount() + frame.dataLength();
    }

    @Benchmark
    public int decodeWithDslJsonReader() throws FrameException
    {
        final int length = scanAndCopy();
        dslJsonParser.parse(copy.array(), length, frame);
        return frame.tagCount() + frame.dataLength();
    }

    private int scanAndCopy()
    {
        wire.readerIndex(0);
        JsonFrameScanner.skipWhitespace(wire);
        final int length = scanner.scan(wire);
        copy.clear();
        copy.ensureSpare(length + 1);
        wire.getBytes(wire.readerIndex(), copy.array(), 0, length);
        return length;
    }
}
