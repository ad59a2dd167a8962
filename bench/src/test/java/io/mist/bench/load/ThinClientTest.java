package io.mist.bench.load;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThinClientTest
{
    @Test
    void vectorAndWordAtATimeSearchesFindWhatAByteLoopFinds()
    {
        // The test JVM has the Vector API (the parent pom's argLine), as bench/run-all gives the harness.
        assertEquals(true, ThinClient.searchLanes() >= 16, "lanes: " + ThinClient.searchLanes());
        final Random random = new Random(5);
        for (int round = 0; round < 20_000; round++)
        {
            final byte[] buffer = new byte[1 + random.nextInt(round % 2 == 0 ? 100 : 400)];
            final int sparseness = 4 + random.nextInt(round % 3 == 0 ? 20 : 2_000);
            for (int i = 0; i < buffer.length; i++)
            {
                // mostly payload-like bytes, some newlines, some bytes just above and below '\n' and with the top bit
                final int pick = random.nextInt(sparseness);
                buffer[i] = (byte)(pick == 0 ? '\n' : pick == 1 ? 0x0B : pick == 2 ? 0x8A : pick == 3 ? 0x09 : 'x');
            }
            final int from = random.nextInt(buffer.length);
            final int to = from + random.nextInt(buffer.length - from + 1);
            int expected = -1;
            for (int i = from; i < to; i++)
            {
                if (buffer[i] == '\n')
                {
                    expected = i;
                    break;
                }
            }
            assertEquals(expected, ThinClient.indexOf(buffer, from, to, (byte)'\n'), "round " + round);
            assertEquals(expected, ThinClient.wordIndexOf(buffer, from, to, (byte)'\n'), "words, round " + round);
        }
    }

    @Test
    void decimalsWrittenAreReadBack()
    {
        final byte[] buffer = new byte[16];
        for (final int value : new int[] {0, 7, 10, 99, 128, 16_384, 1_000_000, Integer.MAX_VALUE})
        {
            final int end = ThinClient.writeDecimal(buffer, 3, value);
            assertEquals(Integer.toString(value), new String(buffer, 3, end - 3, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(value, ThinClient.parseDecimal(buffer, 3, end));
        }
        assertEquals(-1, ThinClient.parseDecimal(buffer, 3, 3));
    }
}
