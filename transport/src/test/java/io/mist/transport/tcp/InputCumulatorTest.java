package io.mist.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputCumulatorTest
{
    private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
    private final ByteArrayOutputStream expected = new ByteArrayOutputStream();
    private byte next;

    /** A read of {@code length} bytes, each one more than the last, as a socket read would hand it over. */
    private ByteBuf read(final int length)
    {
        final ByteBuf buf = alloc.directBuffer(length);
        for (int i = 0; i < length; i++)
        {
            buf.writeByte(next);
            expected.write(next);
            next++;
        }
        return buf;
    }

    private static byte[] readable(final ByteBuf buf)
    {
        final byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }

    @Test
    void aLargeReadIsJoinedToTheLeftoverByReferenceNotCopied()
    {
        final ByteBuf leftover = read(InputCumulator.LARGE_LEFTOVER);
        final ByteBuf large = read(InputCumulator.LARGE);
        final ByteBuf joined = InputCumulator.INSTANCE.cumulate(alloc, leftover, large);
        assertTrue(joined instanceof CompositeByteBuf, "a large read is appended, not copied");
        assertArrayEquals(expected.toByteArray(), readable(joined));
        // The read's own memory is part of the input: a change to it shows through (a copy would not).
        large.setByte(0, 42);
        assertEquals(42, joined.getByte(InputCumulator.LARGE_LEFTOVER));
        joined.release();
        assertEquals(0, large.refCnt());
        assertEquals(0, leftover.refCnt());
    }

    @Test
    void aLargeReadBehindTheEndOfSmallFramesIsCopied()
    {
        final ByteBuf leftover = read(InputCumulator.LARGE_LEFTOVER - 1);
        final ByteBuf large = read(InputCumulator.LARGE * 4);
        final ByteBuf joined = InputCumulator.INSTANCE.cumulate(alloc, leftover, large);
        assertFalse(joined instanceof CompositeByteBuf, "no composite per read for small frames");
        assertArrayEquals(expected.toByteArray(), readable(joined));
        assertEquals(0, large.refCnt());
        joined.release();
    }

    @Test
    void aSmallReadIsCopiedBehindTheLeftover()
    {
        final ByteBuf leftover = read(InputCumulator.LARGE_LEFTOVER);
        final ByteBuf small = read(InputCumulator.LARGE - 1);
        final ByteBuf joined = InputCumulator.INSTANCE.cumulate(alloc, leftover, small);
        assertFalse(joined instanceof CompositeByteBuf);
        assertArrayEquals(expected.toByteArray(), readable(joined));
        assertEquals(0, small.refCnt());
        joined.release();
    }

    @Test
    void aSmallReadAfterLargeOnesMakesOneBufferAgain()
    {
        ByteBuf input = InputCumulator.INSTANCE.cumulate(alloc, read(InputCumulator.LARGE_LEFTOVER),
            read(InputCumulator.LARGE));
        assertTrue(input instanceof CompositeByteBuf);
        final ByteBuf composite = input;
        input = InputCumulator.INSTANCE.cumulate(alloc, input, read(3));
        assertFalse(input instanceof CompositeByteBuf, "small reads are not kept as pieces");
        assertEquals(0, composite.refCnt(), "the pieces are given back once copied");
        input = InputCumulator.INSTANCE.cumulate(alloc, input, read(5));
        assertArrayEquals(expected.toByteArray(), readable(input));
        input.release();
    }

    @Test
    void piecesAreBoundedAndNothingIsLost()
    {
        ByteBuf input = read(1);
        for (int i = 0; i < InputCumulator.MAX_PIECES * 3; i++)
        {
            input = InputCumulator.INSTANCE.cumulate(alloc, input, read(InputCumulator.LARGE + i));
            if (input instanceof CompositeByteBuf)
            {
                assertTrue(((CompositeByteBuf)input).numComponents() <= InputCumulator.MAX_PIECES,
                    "pieces: " + ((CompositeByteBuf)input).numComponents());
            }
        }
        assertArrayEquals(expected.toByteArray(), readable(input));
        input.release();
    }

    @Test
    void inputReadThroughIsReplacedByTheRead()
    {
        final ByteBuf consumed = read(10);
        consumed.skipBytes(10);
        expected.reset();
        final ByteBuf large = read(InputCumulator.LARGE);
        assertSame(large, InputCumulator.INSTANCE.cumulate(alloc, consumed, large));
        assertEquals(0, consumed.refCnt());
        large.release();
    }

    @Test
    void theReadersPositionInTheLeftoverIsKept()
    {
        final ByteBuf leftover = read(InputCumulator.LARGE_LEFTOVER + 20);
        leftover.skipBytes(20);
        final byte[] all = expected.toByteArray();
        expected.reset();
        expected.write(all, 20, InputCumulator.LARGE_LEFTOVER);
        final ByteBuf joined = InputCumulator.INSTANCE.cumulate(alloc, leftover, read(InputCumulator.LARGE * 2));
        assertTrue(joined instanceof CompositeByteBuf);
        assertArrayEquals(expected.toByteArray(), readable(joined));
        final ByteBuf again = InputCumulator.INSTANCE.cumulate(alloc, joined, read(7));
        assertArrayEquals(expected.toByteArray(), readable(again));
        again.release();
    }
}
