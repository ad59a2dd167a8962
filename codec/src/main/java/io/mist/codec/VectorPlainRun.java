package io.mist.codec;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MistJsonWriter#plainRun} a vector at a time, with the JDK's incubating Vector API: the bytes of a run tested
 * 16 to 64 at once (the widest vectors the CPU has), several times faster than a table lookup per byte on strings of
 * 128 bytes and more. Loaded only when the JVM was started with {@code --add-modules jdk.incubator.vector} (see
 * {@link MistJsonWriter#plainRunLanes()}). Stateless, any thread.
 */
final class VectorPlainRun
{
    private static final VectorSpecies<Byte> WIDE = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> NARROW = ByteVector.SPECIES_128;
    /** Bytes tested with narrow vectors before wide ones: most tags and small payloads end within them. */
    private static final int SHORT = 32;

    private VectorPlainRun()
    {
    }

    /** Bytes per widest vector; fewer than 16 means the CPU has no vectors worth using (the table loop is kept). */
    static int lanes()
    {
        return WIDE.length();
    }

    /**
     * The end of the run of plain bytes starting at {@code from}. Narrow (16-byte) vectors test the first bytes, where
     * most strings end (a wide vector costs more to start than it saves there), then the widest vectors the rest.
     * The last vector of each kind ends at the limit, overlapping bytes already found plain. Fewer than 16 bytes are
     * left to the table loop.
     * <p>
     * The vectors are made and tested in this one method, never passed to or returned from another: C2 keeps them in
     * registers only where it sees all their uses (a helper it declines to inline boxes every one of them).
     * A lane stops the run when its byte is below 0x20 or above 0x7F (one signed comparison), {@code \}, {@code < >}
     * (equal once bit 1 is set) or {@code " &} (equal once bit 2 is set).
     */
    static int plainRun(final byte[] src, final int from, final int limit)
    {
        final int narrow = NARROW.length();
        final int narrowLast = limit - narrow;
        if (narrowLast < from)
        {
            return MistJsonWriter.scalarPlainRun(src, from, limit);
        }
        final int wide = WIDE.length();
        final int wideLast = limit - wide;
        // Narrow vectors to the limit when a wide one does not fit in the run.
        final int narrowUntil = wideLast < from ? limit : from + SHORT;
        int i = from;
        while (true)
        {
            final ByteVector bytes = ByteVector.fromArray(NARROW, src, i);
            final VectorMask<Byte> stop = bytes.compare(VectorOperators.LT, (byte)0x20)
                .or(bytes.compare(VectorOperators.EQ, (byte)'\\'))
                .or(bytes.or((byte)0x02).compare(VectorOperators.EQ, (byte)'>'))
                .or(bytes.or((byte)0x04).compare(VectorOperators.EQ, (byte)'&'));
            if (stop.anyTrue())
            {
                return i + stop.firstTrue();
            }
            if (i == narrowLast)
            {
                return limit;
            }
            i = Math.min(i + narrow, narrowLast);
            if (i >= narrowUntil)
            {
                break;
            }
        }
        i = Math.min(i, wideLast);
        while (true)
        {
            final ByteVector bytes = ByteVector.fromArray(WIDE, src, i);
            final VectorMask<Byte> stop = bytes.compare(VectorOperators.LT, (byte)0x20)
                .or(bytes.compare(VectorOperators.EQ, (byte)'\\'))
                .or(bytes.or((byte)0x02).compare(VectorOperators.EQ, (byte)'>'))
                .or(bytes.or((byte)0x04).compare(VectorOperators.EQ, (byte)'&'));
            if (stop.anyTrue())
            {
                return i + stop.firstTrue();
            }
            if (i == wideLast)
            {
                return limit;
            }
            i = Math.min(i + wide, wideLast);
        }
    }
}
