package io.mist.engine.match;

import io.mist.engine.EngineCounters;
import io.mist.engine.metrics.EngineMetrics;
import io.mist.engine.metrics.EnqueueStamp;
import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.session.ClientSession;
import io.mist.engine.tag.TagTable;
import org.agrona.concurrent.ControlledMessageHandler;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matcher's latency recording: the two matcher stages per publish, and the enqueue stamp on each record. */
class MatcherLatencyTest
{
    private final TagTable tags = new TagTable();
    private final EngineCounters counters = new EngineCounters();
    private final InboundEvent event = new InboundEvent();

    @Test
    void publishRecordsBothMatcherStagesAndStampsTheRecord()
    {
        final EngineMetrics metrics = new EngineMetrics(true);
        final Matcher matcher = new Matcher(tags, counters, metrics);
        final ClientSession subscriber = session();
        handle(matcher, InboundEventType.SUBSCRIBE, subscriber, 0, "");
        final long decoded = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(5);
        handle(matcher, InboundEventType.PUBLISH, session(), decoded, "{\"command\":\"publish\"}\n");
        final long after = System.nanoTime();

        assertEquals(1, metrics.ingressToMatcher().snapshot().count());
        assertTrue(metrics.ingressToMatcher().snapshot().max() >= TimeUnit.MILLISECONDS.toNanos(5) * 99 / 100);
        assertEquals(1, metrics.matcherToEnqueued().snapshot().count());
        final List<Integer> stamps = stamps(subscriber);
        assertEquals(1, stamps.size());
        final long age = EnqueueStamp.elapsedNanos(stamps.get(0), EnqueueStamp.of(after));
        assertTrue(age < TimeUnit.MILLISECONDS.toNanos(5), "stamp is from the matcher, not the decode: " + age);
    }

    @Test
    void publishesOfOneBatchAreRecordedEachWithItsOwnDecodeTime()
    {
        final EngineMetrics metrics = new EngineMetrics(true);
        final Matcher matcher = new Matcher(tags, counters, metrics);
        handle(matcher, InboundEventType.SUBSCRIBE, session(), 0, "");
        final ClientSession publisher = session();
        // Two socket reads' publishes in one batch: three decoded 10 ms ago, then two decoded 2 ms ago.
        final long now = System.nanoTime();
        final long[] decoded = {
            now - TimeUnit.MILLISECONDS.toNanos(10), now - TimeUnit.MILLISECONDS.toNanos(10),
            now - TimeUnit.MILLISECONDS.toNanos(10), now - TimeUnit.MILLISECONDS.toNanos(2),
            now - TimeUnit.MILLISECONDS.toNanos(2) };
        matcher.onBatchStart(decoded.length, 0);
        for (int i = 0; i < decoded.length; i++)
        {
            handle(matcher, InboundEventType.PUBLISH, publisher, decoded[i], "{\"command\":\"publish\"}\n",
                i == decoded.length - 1);
        }

        final var ingress = metrics.ingressToMatcher().snapshot();
        assertEquals(5, ingress.count());
        final double summedMillis = ingress.sumNanos() / 1e6;
        assertTrue(summedMillis >= 3 * 10 + 2 * 2 - 0.5 && summedMillis < 3 * 10 + 2 * 2 + 5,
            "each publish from its own decode time: " + summedMillis + " ms in all");
        assertEquals(5, metrics.matcherToEnqueued().snapshot().count());
    }

    @Test
    void withHistogramsOffNothingIsRecordedAndRecordsCarryNoStamp()
    {
        final EngineMetrics metrics = new EngineMetrics(false);
        final Matcher matcher = new Matcher(tags, counters, metrics);
        final ClientSession subscriber = session();
        handle(matcher, InboundEventType.SUBSCRIBE, subscriber, 0, "");
        handle(matcher, InboundEventType.PUBLISH, session(), 0, "{\"command\":\"publish\"}\n");

        assertEquals(0, metrics.ingressToMatcher().snapshot().count());
        assertEquals(0, metrics.matcherToEnqueued().snapshot().count());
        assertEquals(List.of(EnqueueStamp.NONE), stamps(subscriber));
    }

    private ClientSession session()
    {
        return new ClientSession(counters.connectionsOpened.incrementAndGet(), new OutboundRing(4096), () ->
        {
        });
    }

    private void handle(final Matcher matcher, final byte type, final ClientSession session,
        final long decodedNanos, final String payload)
    {
        handle(matcher, type, session, decodedNanos, payload, true);
    }

    private void handle(final Matcher matcher, final byte type, final ClientSession session,
        final long decodedNanos, final String payload, final boolean endOfBatch)
    {
        event.type = type;
        event.session = session.slot() >= 0 ? session.slot() : matcher.sessions().register(session);
        event.decodedNanos = decodedNanos;
        event.tagCount = 1;
        event.tagCapacity(1)[0] = tags.intern("t".getBytes(StandardCharsets.UTF_8), 0, 1);
        event.payload.clear();
        final byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        event.payload.put(bytes, 0, bytes.length);
        matcher.onEvent(event, 0, endOfBatch);
    }

    private static List<Integer> stamps(final ClientSession session)
    {
        final List<Integer> stamps = new ArrayList<>();
        session.outbound().drain((msgTypeId, buffer, index, length) ->
        {
            stamps.add(msgTypeId);
            return ControlledMessageHandler.Action.CONTINUE;
        }, 100);
        return stamps;
    }
}
