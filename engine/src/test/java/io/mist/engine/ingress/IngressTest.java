package io.mist.engine.ingress;

import io.mist.codec.FrameException;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.Engine;
import io.mist.engine.EngineConfig;
import io.mist.engine.RequestLimits;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.ring.Offer;
import io.mist.engine.ring.WaitStrategyKind;
import io.mist.engine.session.ClientSession;
import org.agrona.concurrent.ControlledMessageHandler;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's ingress: claim, fill and publish as one exception-safe step; a full ring reported, not waited on. */
class IngressTest
{
    private static final String PONG = "{\"command\":\"ping\",\"data\":\"pong\"}\n";

    private static MistFrame frame(final String json) throws FrameException
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        final MistFrame frame = new MistFrame();
        new MistFrameParser().parse(bytes, bytes.length, frame);
        return frame;
    }

    /** A started engine with a ring of 64 and at most {@code maxTags} tags per request. */
    private static Engine smallEngine(final int maxTags)
    {
        return new Engine(new EngineConfig(64, WaitStrategyKind.BLOCK, 1 << 16)
            .withLimits(new RequestLimits(maxTags, 1024, 10))).start();
    }

    /** Everything queued for the session, as text. */
    private static String drain(final ClientSession session)
    {
        final StringBuilder queued = new StringBuilder();
        session.outbound().drain((type, buffer, index, length) ->
        {
            queued.append(buffer.getStringWithoutLengthUtf8(index, length));
            return ControlledMessageHandler.Action.CONTINUE;
        }, Integer.MAX_VALUE);
        return queued.toString();
    }

    @Test
    void aFillThatThrowsStillPublishesItsSlotSoTheMatcherGoesOn() throws Exception
    {
        final Semaphore woken = new Semaphore(0);
        try (Engine engine = new Engine(new EngineConfig(64, WaitStrategyKind.BLOCK, 1 << 16)).start())
        {
            final ClientSession session = engine.openSession(woken::release);
            final ClientIngress ingress = engine.clientIngress(session, true);
            final MistFrame publish = frame("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"x\"}");
            // Half-filled (a publish encoded), then a throw: the slot must reach the matcher empty.
            assertThrows(IllegalStateException.class, () -> ingress.offer((event, arg) ->
            {
                ingress.dispatch(event, arg);
                assertEquals(InboundEventType.PUBLISH, event.type);
                throw new IllegalStateException("a bug while filling");
            }, publish));
            final MistFrame ping = frame("{\"command\":\"ping\"}");
            // More than a ring's worth after it: each would wait forever behind an unpublished slot.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
            {
                final StringBuilder all = new StringBuilder();
                for (int i = 0; i < 200; i++)
                {
                    while (ingress.submit(ping) == Offer.FULL)
                    {
                        all.append(drain(session));
                    }
                }
                while (all.length() < 200 * PONG.length())
                {
                    woken.tryAcquire(100, TimeUnit.MILLISECONDS);
                    all.append(drain(session));
                }
                assertEquals(PONG.repeat(200), all.toString());
            });
            assertEquals(0, engine.counters().messagesPublished.get(), "the half-filled publish was not delivered");
        }
    }

    @Test
    void aFullRingIsReportedAndCountedWithoutWaiting() throws Exception
    {
        final CountDownLatch stall = new CountDownLatch(1);
        final CountDownLatch stalled = new CountDownLatch(1);
        try (Engine engine = new Engine(new EngineConfig(64, WaitStrategyKind.BLOCK, 1 << 16)).start())
        {
            // The matcher wakes this client at the end of its batch: it stalls there until the test lets it go.
            final ClientSession blocker = engine.openSession(() ->
            {
                stalled.countDown();
                try
                {
                    stall.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            final ClientIngress blocking = engine.clientIngress(blocker, true);
            assertEquals(Offer.PUBLISHED, blocking.submit(frame("{\"command\":\"ping\"}")));
            assertTrue(stalled.await(5, TimeUnit.SECONDS));

            final ClientSession session = engine.openSession(() -> { });
            final ClientIngress ingress = engine.clientIngress(session, true);
            final MistFrame ping = frame("{\"command\":\"ping\"}");
            final int[] published = new int[1];
            assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
            {
                while (ingress.submit(ping) == Offer.PUBLISHED)
                {
                    published[0]++;
                }
            });
            // The blocker's event is still the matcher's until its batch ends: the other 63 slots, then FULL.
            assertEquals(63, published[0], "every free slot of the ring, then FULL");
            assertEquals(Offer.FULL, ingress.submit(ping));
            assertEquals(2, engine.counters().inboundRingFull.get());

            stall.countDown();
            assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
            {
                while (ingress.submit(ping) == Offer.FULL)
                {
                    Thread.onSpinWait();
                }
            });
        }
    }

    @Test
    void aPublisherWithoutSessionReachesEverySubscriberAndIsToldRefusals() throws Exception
    {
        final Semaphore woken = new Semaphore(0);
        try (Engine engine = smallEngine(2))
        {
            final ClientSession subscriber = engine.openSession(woken::release);
            final ClientIngress ingress = engine.clientIngress(subscriber, true);
            ingress.submit(frame("{\"command\":\"subscribe\",\"tags\":[\"a\"]}"));
            ingress.submit(frame("{\"command\":\"ping\"}"));
            assertTrue(woken.tryAcquire(5, TimeUnit.SECONDS));
            assertEquals(PONG, drain(subscriber));

            final long sessions = engine.counters().connectionsOpened.get();
            final MessagePublisher publisher = engine.publisher();
            assertEquals(sessions, engine.counters().connectionsOpened.get(), "a publisher is not a connection");
            assertEquals(Offer.PUBLISHED, publisher.publish(frame(
                "{\"command\":\"publish\",\"tags\":[\"b\",\"a\"],\"data\":\"hi\"}")));
            assertNull(publisher.refusal());
            assertTrue(woken.tryAcquire(5, TimeUnit.SECONDS));
            assertEquals("{\"command\":\"publish\",\"tags\":[\"a\",\"b\"],\"data\":\"hi\"}\n", drain(subscriber));

            assertEquals(Offer.PUBLISHED, publisher.publish(frame(
                "{\"command\":\"publish\",\"tags\":[\"a\",\"b\",\"c\"],\"data\":\"hi\"}")));
            assertEquals(Refusal.TOO_MANY_TAGS, publisher.refusal());
            assertEquals("Too many tags - 3, the limit is 2 (--max-tags)", publisher.refusalText());
            publisher.publish(frame("{\"command\":\"publish\",\"tags\":[],\"data\":\"hi\"}"));
            assertEquals(Refusal.NO_TAGS, publisher.refusal());
            publisher.restrict(new TagGrant(new int[] { engine.tagTable().lookup(new byte[] { 'b' }, 0, 1) }));
            publisher.publish(frame("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"hi\"}"));
            assertEquals(Refusal.FORBIDDEN_PUBLISH, publisher.refusal());
        }
    }

    /**
     * A publish read in mist's output form is delivered as its own bytes; every other spelling of the same message is
     * encoded, and both reach the subscriber as the same bytes. Grants and limits apply to both alike.
     */
    @Test
    void aPublishInMistsOutputFormIsDeliveredAsTheSameBytesAsAnyOtherSpelling() throws Exception
    {
        final Semaphore woken = new Semaphore(0);
        try (Engine engine = smallEngine(3))
        {
            final ClientSession subscriber = engine.openSession(woken::release);
            engine.clientIngress(subscriber, true).submit(frame("{\"command\":\"subscribe\",\"tags\":[\"a\"]}"));
            final MessagePublisher publisher = engine.publisher();
            final String delivered = "{\"command\":\"publish\",\"tags\":[\"a\",\"b\"],\"data\":\"hi\"}";
            final MistFrame wireForm = frame(delivered);
            assertTrue(wireForm.wireForm() != null, "read in one pass");
            for (final MistFrame spelling : new MistFrame[] { wireForm,
                frame("{\"command\":\"publish\",\"tags\":[\"b\",\"a\"],\"data\":\"hi\"}"),
                frame("{ \"data\":\"hi\", \"tags\":[\"a\",\"b\"], \"command\":\"publish\" }"),
                frame("{\"command\":\"publish\",\"tags\":[\"a\",\"\\u0062\"],\"data\":\"\\u0068i\"}") })
            {
                assertEquals(Offer.PUBLISHED, publisher.publish(spelling));
                assertNull(publisher.refusal());
                assertTrue(woken.tryAcquire(5, TimeUnit.SECONDS));
                assertEquals(delivered + "\n", drain(subscriber));
            }
            publisher.publish(frame("{\"command\":\"publish\",\"tags\":[\"a\",\"b\",\"c\",\"d\"],\"data\":\"x\"}"));
            assertEquals(Refusal.TOO_MANY_TAGS, publisher.refusal());
            publisher.restrict(new TagGrant(new int[] { engine.tagTable().lookup(new byte[] { 'a' }, 0, 1) }));
            publisher.publish(frame(delivered));
            assertEquals(Refusal.FORBIDDEN_PUBLISH, publisher.refusal());
        }
    }
}
