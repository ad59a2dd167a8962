package io.mist.bench;

import io.mist.engine.tag.TagTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Tag interning as an IO thread uses it on every publish: {@link TagTable#lookup} of a known tag, given as a slice
 * of a received buffer, to its id. The tags are looked up in a random order over a table of {@code tags} entries.
 */
@State(Scope.Thread)
public class TagLookupBenchmark extends DataPathBenchmark
{
    @Param({ "1000", "100000" })
    public int tags;

    private final TagTable table = new TagTable();
    /** Every tag's UTF-8 bytes back to back, as they would sit in a frame. */
    private byte[] buffer;
    private int[] offsets;
    private int[] lengths;
    private int next;

    @Setup
    public void setUp()
    {
        final StringBuilder all = new StringBuilder();
        final String[] names = new String[tags];
        for (int i = 0; i < tags; i++)
        {
            names[i] = Workload.tag(i);
            Workload.intern(table, names[i]);
        }
        final Random random = new Random(7);
        offsets = new int[Workload.MESSAGES];
        lengths = new int[Workload.MESSAGES];
        for (int i = 0; i < Workload.MESSAGES; i++)
        {
            final String name = names[random.nextInt(tags)];
            offsets[i] = all.length();
            lengths[i] = name.length();
            all.append(name);
        }
        buffer = all.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public int lookup()
    {
        final int i = next++ & (Workload.MESSAGES - 1);
        return table.lookup(buffer, offsets[i], lengths[i]);
    }
}
