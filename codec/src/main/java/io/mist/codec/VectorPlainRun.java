package io.mist.codec;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MistJsonWriter#plainRun} a vector at a time, with the JDK's incubating Vector API: the bytes of a run tested
 * 16 or 32 at once (the widest vectors the CPU has, up to 256 bits). Several times faster than a table lookup per byte
 * on large data (a 16 KiB publish parses 7–10× faster), about even on 128-byte publishes in the server (see
 * perf-results). Loaded only when the JVM was started with {@code --add-modules jdk.incubator.vector} (see
 * {@link MistJsonWriter#plainRunLanes()}). Stateless, any thread.
 */
final class VectorPlainRun
{
    /**
     * The widest vectors the CPU has, up to 256 bits. With 512-bit vectors (AVX-512, as on AMD Zen 4) JDK 17's code
     * for this loop measured slower, not faster: parsing a 128-byte publish took 1.5–1.7× as long as with 256-bit
     * vectors, and 16 KiB no less (DecodeBenchmark; see perf-results).
     */
    private static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED.length() > 32 ?
        ByteVector.SPECIES_256 : ByteVector.SPECIES_PREFERRED;

    /**
     * Vectors tested one at a time before a run is taken two at a time: the tags and short data of most publishes
     * end within these (taking pairs from the start made a 128-byte publish parse 17 % slower), while two vectors per
     * test parse a 16 KiB publish 20–30 % faster (DecodeBenchmark; see perf-results).
     */
    private static final int SINGLES_BEFORE_PAIRS = 4;

    private VectorPlainRun()
    {
    }

    /** Bytes per vector; fewer than 16 means the CPU has no vectors worth using (the table loop is then kept). */
    static int lanes()
    {
        return SPECIES.length();
    }

    /**
     * The end of the run of plain bytes starting at {@code from}: the widest vectors the CPU has, the last one ending
     * at the limit and so overlapping bytes already found plain; fewer bytes than a vector are left to the table loop.
     * (Narrow vectors for a string's first bytes, or the table for them, measured slower on 128-byte and longer data
     * and gained a few nanoseconds only on 16-byte data.)
     * <p>
     * After {@link #SINGLES_BEFORE_PAIRS} vectors without a stop, a long run is tested two vectors at a time (one
     * branch per 64 bytes), its end again one at a time.
     * <p>
     * The vectors are made and tested in this one method, never passed to or returned from another: C2 keeps them in
     * registers only where it sees all their uses (a helper it declines to inline boxes every one of them; the stop
     * test as a helper it did inline still parsed 3–6 % slower at every size, so the test is written out each time).
     * A lane stops the run when its byte is below 0x20 or above 0x7F (one signed comparison), {@code \}, {@code < >}
     * (equal once bit 1 is set) or {@code " &} (equal once bit 2 is set).
     */
    static int plainRun(final byte[] src, final int from, final int limit)
    {
        final int lanes = SPECIES.length();
        final int last = limit - lanes;
        if (last < from)
        {
            return MistJsonWriter.scalarPlainRun(src, from, limit);
        }
        int i = from;
        int singles = SINGLES_BEFORE_PAIRS;
        while (true)
        {
            final ByteVector bytes = ByteVector.fromArray(SPECIES, src, i);
            final VectorMask<Byte> stop = bytes.compare(VectorOperators.LT, (byte)0x20)
                .or(bytes.compare(VectorOperators.EQ, (byte)'\\'))
                .or(bytes.or((byte)0x02).compare(VectorOperators.EQ, (byte)'>'))
                .or(bytes.or((byte)0x04).compare(VectorOperators.EQ, (byte)'&'));
            if (stop.anyTrue())
            {
                return i + stop.firstTrue();
            }
            if (i == last)
            {
                return limit;
            }
            i += lanes;
            if (--singles == 0)
            {
                for (final int pairs = limit - 2 * lanes; i <= pairs; i += 2 * lanes)
                {
                    final ByteVector low = ByteVector.fromArray(SPECIES, src, i);
                    final ByteVector high = ByteVector.fromArray(SPECIES, src, i + lanes);
                    final VectorMask<Byte> stopLow = low.compare(VectorOperators.LT, (byte)0x20)
                        .or(low.compare(VectorOperators.EQ, (byte)'\\'))
                        .or(low.or((byte)0x02).compare(VectorOperators.EQ, (byte)'>'))
                        .or(low.or((byte)0x04).compare(VectorOperators.EQ, (byte)'&'));
                    final VectorMask<Byte> stopHigh = high.compare(VectorOperators.LT, (byte)0x20)
                        .or(high.compare(VectorOperators.EQ, (byte)'\\'))
                        .or(high.or((byte)0x02).compare(VectorOperators.EQ, (byte)'>'))
                        .or(high.or((byte)0x04).compare(VectorOperators.EQ, (byte)'&'));
                    if (stopLow.or(stopHigh).anyTrue())
                    {
                        return stopLow.anyTrue() ? i + stopLow.firstTrue() : i + lanes + stopHigh.firstTrue();
                    }
                }
                if (i >= limit)
                {
                    return limit;
                }
            }
            i = Math.min(i, last);
        }
    }
}
