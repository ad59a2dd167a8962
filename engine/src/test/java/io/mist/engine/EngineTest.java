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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void largePublishesBorrowPooledArraysThatAllGoBackSoTheRingKeepsNone() throws Exception
    {
        final int messages = 300;
        try (Engine engine = new Engine(new EngineConfig(64, WaitStrategyKind.BLOCK, 8 << 20)).start())
        {
            final ClientSession subscriber = engine.openSession(() -> { });
            final ClientSession publisher = engine.openSession(() -> { });
            engine.clientIngress(subscriber, true).submit(frame("{\"command\":\"subscribe\",\"tags\":[\"big\"]}"));
            final ClientIngress ingress = engine.clientIngress(publisher, true);
            final String data = "x".repeat(16 * 1024);
            final StringBuilder queued = new StringBuilder(); // a large message may sit in the ring in parts
            final org.agrona.concurrent.ControlledMessageHandler reader = (type, buffer, index, length) ->
            {
                queued.append(buffer.getStringWithoutLengthUtf8(index, length));
                return org.agrona.concurrent.ControlledMessageHandler.Action.CONTINUE;
            };
            for (int i = 0; i < messages; i++)
            {
                final MistFrame publish =
                    frame("{\"command\":\"publish\",\"tags\":[\"big\"],\"data\":\"" + i + data + "\"}");
                while (ingress.submit(publish) == io.mist.engine.ring.Offer.FULL)
                {
                    Thread.onSpinWait();
                }
                subscriber.outbound().drain(reader, Integer.MAX_VALUE); // read as a client would, keeping up
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (queued.chars().filter(c -> c == '\n').count() < messages && System.nanoTime() < deadline)
            {
                subscriber.outbound().drain(reader, Integer.MAX_VALUE);
                Thread.sleep(1);
            }
            assertEquals(0, engine.counters().clientDropped.get(), "the subscriber kept up");
            final String[] received = queued.toString().split("\n");
            assertEquals(messages, received.length);
            for (int i = 0; i < messages; i++)
            {
                assertTrue(received[i].equals("{\"command\":\"publish\",\"tags\":[\"big\"],\"data\":\"" + i + data + "\"}"),
                    "message " + i + " arrives whole and in order");
            }

            // Each array goes back once the matcher has handled its slot and the subscriber has read the one shared
            // copy: every array ever lent is idle again, and they were reused (keeping them would take one per
            // message; at most the 64 slots' and what the subscriber had yet to read were out at once).
            final long allocated = engine.payloadPool().allocations();
            assertTrue(allocated >= 1 && allocated <= messages / 2,
                allocated + " arrays allocated for " + messages + " messages");
            final long deadlineIdle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (engine.payloadPool().idleBytes() != allocated * 32 * 1024 && System.nanoTime() < deadlineIdle)
            {
                Thread.sleep(1);
            }
            assertEquals(allocated * 32 * 1024, engine.payloadPool().idleBytes(), "all arrays are back in the pool");
            assertEquals(0, engine.payloadPool().sharedBytes());
            assertEquals(0, engine.sharedFrames().inUse());
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

    /**
     * IO threads yield to the matcher before they wait only where they share its one CPU and it parks: not when it
     * polls (it holds the CPU anyway), not when it has CPUs of its own.
     */
    @Test
    void ioThreadsShareTheMatcherCpuOnlyWhenPinnedWithItAndItParks()
    {
        final CpuSet one = CpuSet.parse("--matcher-cpu", "0", CpuSet.NONE, CpuSet.NONE);
        try (Engine parking = new Engine(EngineConfig.defaults().withMatcherCpus(one, true));
            Engine alone = new Engine(EngineConfig.defaults().withMatcherCpus(one, false));
            Engine polling = new Engine(new EngineConfig(64, WaitStrategyKind.YIELD, 4096).withMatcherCpus(one, true)))
        {
            assertTrue(parking.ioThreadsShareMatcherCpu());
            assertFalse(alone.ioThreadsShareMatcherCpu());
            assertFalse(polling.ioThreadsShareMatcherCpu());
            assertFalse(polling.matcherWoken(), "a polling matcher is never reported woken");
        }
    }

    @Test
    void configRejectsSizesThatAreNotPowersOfTwo()
    {
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new EngineConfig(1000, WaitStrategyKind.SLEEP, 4096)).getMessage().contains("--ring-size"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new EngineConfig(1024, WaitStrategyKind.SLEEP, 5000)).getMessage().contains("--client-buffer-size"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> EngineConfig.defaults().withInboundBufferSize(4096)).getMessage().contains("--inbound-buffer-size"));
        assertEquals(8 << 20, EngineConfig.defaults().withInboundBufferSize(8 << 20).withMatcherCpus(
            CpuSet.parse("--matcher-cpu", "1", CpuSet.NONE, CpuSet.NONE), true)
            .withLatencyHistograms(false).inboundBufferSize(), "kept through the other settings");
    }
}
