package io.mist.engine;

import io.mist.codec.FrameException;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.ingress.ClientIngress;
import io.mist.engine.ring.WaitStrategyKind;
import io.mist.engine.session.ClientSession;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineTest
{
    private static MistFrame frame(final String json) throws FrameException
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        final MistFrame frame = new MistFrame();
        new MistFrameParser().parse(bytes, bytes.length, frame);
        return frame;
    }

    @Test
    void requestsFlowThroughTheRingToTheClientsRing() throws Exception
    {
        final CountDownLatch woken = new CountDownLatch(1);
        try (Engine engine = new Engine(new EngineConfig(64, WaitStrategyKind.BLOCK, 4096)).start())
        {
            final ClientSession session = engine.openSession(woken::countDown);
            engine.clientIngress(session, true).submit(frame("{\"command\":\"ping\"}"));
            assertTrue(woken.await(5, TimeUnit.SECONDS), "the matcher woke the client");
            final StringBuilder queued = new StringBuilder();
            session.outbound().drain((type, buffer, index, length) ->
            {
                queued.append(buffer.getStringWithoutLengthUtf8(index, length));
                return org.agrona.concurrent.ControlledMessageHandler.Action.CONTINUE;
            }, Integer.MAX_VALUE);
            assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}\n", queued.toString());
        }
    }

    @Test
    void afterCloseRequestsAreDroppedInsteadOfWaitingForTheStoppedMatcher() throws Exception
    {
        final Engine engine = new Engine(new EngineConfig(64, WaitStrategyKind.SLEEP, 4096)).start();
        final ClientSession session = engine.openSession(() -> { });
        final ClientIngress ingress = engine.clientIngress(session, true);
        engine.close();
        final MistFrame ping = frame("{\"command\":\"ping\"}");
        // Far more requests than the 64 ring slots: without the gate the 65th would wait forever.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
        {
            for (int i = 0; i < 1000; i++)
            {
                assertEquals(io.mist.engine.ring.Offer.STOPPED, ingress.submit(ping));
            }
            assertEquals(io.mist.engine.ring.Offer.STOPPED, ingress.offer((event, arg) -> ingress.disconnect(event),
                null));
        });
    }

    @Test
    void configRejectsSizesThatAreNotPowersOfTwo()
    {
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new EngineConfig(1000, WaitStrategyKind.SLEEP, 4096)).getMessage().contains("--ring-size"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new EngineConfig(1024, WaitStrategyKind.SLEEP, 5000)).getMessage().contains("--client-buffer-size"));
    }
}
