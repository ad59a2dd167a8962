package io.mist.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * How a TCP connection's unread input and the next read are put together (the decoder's {@link
 * ByteToMessageDecoder.Cumulator}). A read mostly ends inside a frame, so the next one is joined to the part left
 * over. Netty's default copies every read behind the leftover (and the leftover again whenever the buffer grows);
 * here a read of {@link #LARGE} bytes or more behind a leftover of {@link #LARGE_LEFTOVER} or more (a large frame
 * that the last read ended inside) is appended by reference instead: a {@link CompositeByteBuf} of the reads' own
 * buffers, which the frame reader copies once, into its window, wherever the bytes lie. Other reads are copied as
 * before: a small read is cheap to copy, and a composite of many small pieces would be slow to read and hold many
 * buffers; small frames leave short leftovers, and there a composite per read would be an allocation per read. So
 * the composite's pieces are few: at most {@link #MAX_PIECES}, each of them large but perhaps the first (the
 * decoder releases the pieces read through after every read). Owned by the connection's event loop.
 */
final class InputCumulator implements ByteToMessageDecoder.Cumulator
{
    /** Reads of this many bytes or more are appended by reference, ... */
    static final int LARGE = 4 * 1024;
    /**
     * ... to a leftover of this many bytes or more (part of a large frame). Behind a shorter one (small frames) the
     * read is copied as before: no composite is made per read there, and reading one gained nothing measurable.
     */
    static final int LARGE_LEFTOVER = 1024;
    /** Pieces a composite may hold before it is merged into one buffer. */
    static final int MAX_PIECES = 64;

    static final InputCumulator INSTANCE = new InputCumulator();

    private InputCumulator()
    {
    }

    @Override
    public ByteBuf cumulate(final ByteBufAllocator alloc, final ByteBuf cumulation, final ByteBuf in)
    {
        if (cumulation == in)
        {
            in.release();
            return cumulation;
        }
        final boolean joined = cumulation instanceof CompositeByteBuf;
        if (!cumulation.isReadable() ||
            !joined && (in.readableBytes() < LARGE || cumulation.readableBytes() < LARGE_LEFTOVER))
        {
            return ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, in); // copied, as Netty does
        }
        if (!joined)
        {
            return ByteToMessageDecoder.COMPOSITE_CUMULATOR.cumulate(alloc, cumulation, in); // the first join
        }
        final CompositeByteBuf composite = (CompositeByteBuf)cumulation;
        if (in.readableBytes() < LARGE || composite.refCnt() != 1 || composite.numComponents() >= MAX_PIECES)
        {
            // A small read behind large ones, too many pieces, or a shared input: one contiguous buffer again.
            return merged(alloc, composite, in);
        }
        if (composite.writerIndex() != composite.capacity())
        {
            composite.capacity(composite.writerIndex()); // pieces are appended at the writer index
        }
        composite.addFlattenedComponents(true, in);
        return composite;
    }

    /** The unread input and {@code in} copied into one new buffer; {@code in} is given back, and so is the old input
     * once copied. */
    private static ByteBuf merged(final ByteBufAllocator alloc, final ByteBuf cumulation, final ByteBuf in)
    {
        try
        {
            final ByteBuf merged = alloc.ioBuffer(cumulation.readableBytes() + in.readableBytes());
            merged.writeBytes(cumulation, cumulation.readerIndex(), cumulation.readableBytes());
            merged.writeBytes(in, in.readerIndex(), in.readableBytes());
            cumulation.release();
            return merged;
        }
        finally
        {
            in.release();
        }
    }
}
