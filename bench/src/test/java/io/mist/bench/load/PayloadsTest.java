package io.mist.bench.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PayloadsTest
{
    @Test
    void stampRoundTripsAndTheRestIsPadding()
    {
        final byte[] payload = Payloads.create(40);
        Payloads.stamp(payload, 0x0123_4567_89ab_cdefL);
        assertEquals("0123456789abcdef" + "x".repeat(24), new String(payload, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0x0123_4567_89ab_cdefL, Payloads.stampOf(payload, 0, payload.length));
        final long negative = -123_456_789L; // System.nanoTime() may be negative
        Payloads.stamp(payload, negative);
        assertEquals(negative, Payloads.stampOf(payload, 0, payload.length));
    }

    @Test
    void foreignOrShortPayloadsHaveNoStamp()
    {
        assertEquals(Payloads.NO_STAMP, Payloads.stampOf("0123".getBytes(), 0, 4));
        assertEquals(Payloads.NO_STAMP, Payloads.stampOf("0123456789abcdeZ".getBytes(), 0, 16));
        assertThrows(IllegalArgumentException.class, () -> Payloads.create(15));
    }
}
