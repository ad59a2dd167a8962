package io.mist.engine.ingress;

import io.mist.codec.FrameException;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.RequestLimits;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.tag.TagTable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decode time a publish carries for the latency histograms: one clock reading per socket read. */
class RequestEncoderTest
{
    private final RequestEncoder encoder =
        new RequestEncoder(new TagTable(), new RequestPolicy(RequestLimits.DEFAULTS, 1 << 20), true);

    private static MistFrame publish() throws FrameException
    {
        final byte[] bytes = "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        final MistFrame frame = new MistFrame();
        new MistFrameParser().parse(bytes, bytes.length, frame);
        return frame;
    }

    private long decodedNanos(final MistFrame frame)
    {
        final InboundEvent event = new InboundEvent();
        event.reset(0);
        assertNull(encoder.publish(event, frame));
        return event.decodedNanos;
    }

    private static void pause()
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }

    @Test
    void publishesOfOneReadShareTheDecodeTimeOfTheFirst() throws Exception
    {
        final MistFrame frame = publish();
        final long before = System.nanoTime();
        encoder.readBegins();
        final long first = decodedNanos(frame);
        pause();
        final long second = decodedNanos(frame);
        encoder.readEnds();
        assertTrue(first >= before, "the clock is read at the first publish, not before the read");
        assertEquals(first, second, "one clock reading for the read");

        encoder.readBegins();
        pause();
        final long nextRead = decodedNanos(frame);
        encoder.readEnds();
        assertTrue(nextRead - second >= TimeUnit.MILLISECONDS.toNanos(2), "a new read reads the clock again");
    }

    @Test
    void outsideAReadEachPublishReadsTheClock() throws Exception
    {
        final MistFrame frame = publish();
        final long first = decodedNanos(frame);
        pause();
        final long second = decodedNanos(frame);
        assertNotEquals(first, second);
        assertTrue(second - first >= TimeUnit.MILLISECONDS.toNanos(2));
    }

    @Test
    void withoutHistogramsNoTimeIsTaken() throws Exception
    {
        final RequestEncoder untimed =
            new RequestEncoder(new TagTable(), new RequestPolicy(RequestLimits.DEFAULTS, 1 << 20), false);
        final InboundEvent event = new InboundEvent();
        event.reset(0);
        untimed.readBegins();
        assertNull(untimed.publish(event, publish()));
        untimed.readEnds();
        assertEquals(0, event.decodedNanos);
    }
}
