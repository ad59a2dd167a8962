package io.mist.engine.ingress;

import io.mist.codec.MistFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TagOrderTest
{
    /** Tags of up to three characters of three, so that duplicates, prefixes and bytes above 0x7F all occur. */
    private static byte[] randomTag(final Random random)
    {
        final StringBuilder tag = new StringBuilder();
        for (int i = random.nextInt(4); i > 0; i--)
        {
            tag.append("ab\u00e9".charAt(random.nextInt(3)));
        }
        return tag.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sortsByteWiseUnsignedAndStablyOnBothSidesOfTheInsertionLimit()
    {
        final Random random = new Random(11);
        final TagOrder order = new TagOrder();
        for (int round = 0; round < 2000; round++)
        {
            final int n = random.nextInt(3 * TagOrder.INSERTION_MAX);
            final MistFrame frame = new MistFrame();
            final List<byte[]> tags = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                final byte[] tag = randomTag(random);
                tags.add(tag);
                frame.addTag(tag, 0, tag.length);
            }
            final Integer[] expected = new Integer[n];
            for (int i = 0; i < n; i++)
            {
                expected[i] = i;
            }
            // A stable sort by unsigned bytes, as Go compares strings: equal tags keep the order they came in.
            Arrays.sort(expected, (x, y) -> Arrays.compareUnsigned(tags.get(x), tags.get(y)));
            final int[] sorted = order.sort(frame);
            assertEquals(n, frame.tagCount());
            assertArrayEquals(Arrays.stream(expected).mapToInt(Integer::intValue).toArray(), Arrays.copyOf(sorted, n),
                "round " + round + ", " + n + " tags");
        }
    }
}
