package io.mist.bench.load;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ThinClient#indexOf} a vector at a time (the JDK's incubating Vector API), as mist's Go clients find a line's
 * end (Go's {@code bytes.IndexByte} is SIMD): loaded only when the harness's JVM runs with
 * {@code --add-modules jdk.incubator.vector}. Stateless, any thread.
 */
final class VectorSearch
{
    private static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED;

    private VectorSearch()
    {
    }

    /** Bytes per vector. */
    static int lanes()
    {
        return SPECIES.length();
    }

    /**
     * The first {@code value} in {@code [from, to)}, or -1: whole vectors, the last one ending at {@code to} (its bytes
     * shared with the one before hold no {@code value}); ranges shorter than a vector are left to {@code ThinClient}'s
     * word loop. The vector is made and tested here only, so that C2 keeps it in a register.
     */
    static int indexOf(final byte[] buffer, final int from, final int to, final byte value)
    {
        final int lanes = SPECIES.length();
        final int last = to - lanes;
        if (last < from)
        {
            return ThinClient.wordIndexOf(buffer, from, to, value);
        }
        int i = from;
        while (true)
        {
            final VectorMask<Byte> found = ByteVector.fromArray(SPECIES, buffer, i).compare(VectorOperators.EQ, value);
            if (found.anyTrue())
            {
                return i + found.firstTrue();
            }
            if (i == last)
            {
                return -1;
            }
            i = Math.min(i + lanes, last);
        }
    }
}
