package io.mist.engine.match;

import io.mist.engine.EngineCounters;
import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.session.ClientSession;
import io.mist.engine.tag.TagTable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matcher's handling of events: delivery into client rings, per-client drops, wake-ups and close requests. */
class MatcherTest
{
    private final TagTable tags = new TagTable();
    private final EngineCounters counters = new EngineCounters();
    private final Matcher matcher = new Matcher(tags, counters);
    private final InboundEvent event = new InboundEvent();
    private long sequence;

    private ClientSession client(final int ringCapacity, final AtomicInteger wakes)
    {
        return new ClientSession(counters.connectionsOpened.incrementAndGet(), new OutboundRing(ringCapacity),
            wakes::incrementAndGet);
    }

    private void send(final byte type, final ClientSession session, final String payload,
        final boolean endOfBatch, final String... tagNames)
    {
        event.type = type;
        event.session = session.slot() >= 0 ? session.slot() : matcher.sessions().register(session);
        event.tagCount = tagNames.length;
        final int[] ids = event.tagCapacity(tagNames.length);
        for (int i = 0; i < tagNames.length; i++)
        {
            final byte[] b = tagNames[i].getBytes(StandardCharsets.UTF_8);
            ids[i] = tags.intern(b, 0, b.length);
        }
        event.payload.clear();
        final byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        event.payload.put(bytes, 0, bytes.length);
        matcher.onEvent(event, sequence++, endOfBatch);
    }

    @Test
    void fullRingDropsForThatClientOnlyAndCountsIt()
    {
        final AtomicInteger wakes = new AtomicInteger();
        final ClientSession stalled = client(4096, wakes);
        final ClientSession healthy = client(1 << 20, wakes);
        final ClientSession publisher = client(4096, wakes);
        send(InboundEventType.SUBSCRIBE, stalled, "", true, "t");
        send(InboundEventType.SUBSCRIBE, healthy, "", true, "t");

        final String frame = "{\"command\":\"publish\",\"tags\":[\"t\"],\"data\":\"" + "x".repeat(200) + "\"}\n";
        final int messages = 100;
        for (int i = 0; i < messages; i++)
        {
            send(InboundEventType.PUBLISH, publisher, frame, true, "t");
        }

        final long stalledDrops = stalled.dropped().get();
        assertTrue(stalledDrops > 0 && stalledDrops < messages, "stalled drops " + stalledDrops);
        assertEquals(0, healthy.dropped().get());
        assertEquals(0, publisher.dropped().get());
        assertEquals(stalledDrops, counters.clientDropped.get());
        assertEquals(2L * messages - stalledDrops, counters.messagesDelivered.get());
        assertEquals(messages, counters.messagesPublished.get());
    }

    @Test
    void eachClientIsWokenOncePerBatch()
    {
        final AtomicInteger wakes = new AtomicInteger();
        final ClientSession subscriber = client(1 << 16, wakes);
        final ClientSession publisher = client(4096, new AtomicInteger());
        send(InboundEventType.SUBSCRIBE, subscriber, "", true, "w");
        for (int i = 0; i < 9; i++)
        {
            send(InboundEventType.PUBLISH, publisher, "{}\n", false, "w");
        }
        assertEquals(0, wakes.get(), "no wake-up before the end of the batch");
        send(InboundEventType.PUBLISH, publisher, "{}\n", true, "w");
        assertEquals(1, wakes.get());
        send(InboundEventType.PUBLISH, publisher, "{}\n", true, "w");
        assertEquals(2, wakes.get());
    }

    @Test
    void closeQueuesTheReplyThenRequestsClose()
    {
        final AtomicInteger wakes = new AtomicInteger();
        final ClientSession session = client(4096, wakes);
        send(InboundEventType.CLOSE, session, "{\"command\":\"\",\"error\":\"bye\"}\n", true);
        assertTrue(session.closeRequested());
        assertTrue(session.outbound().size() > 0);
        assertEquals(1, wakes.get());
    }

    @Test
    void disconnectRemovesSubscriptionsAndCounts()
    {
        final ClientSession session = client(4096, new AtomicInteger());
        send(InboundEventType.SUBSCRIBE, session, "", true, "a");
        send(InboundEventType.SUBSCRIBE, session, "", true, "a", "b");
        assertEquals(2, counters.subscriptions.get());
        assertEquals(1, matcher.subscribedClients());
        send(InboundEventType.DISCONNECT, session, "", true);
        assertEquals(0, counters.subscriptions.get());
        assertEquals(0, matcher.subscribedClients());
        assertEquals(0, matcher.index().size());
    }

    @Test
    void listallTooLargeForTheClientRingBecomesAnErrorReply()
    {
        final ClientSession subscriber = client(1 << 16, new AtomicInteger());
        for (int i = 0; i < 5000; i++)
        {
            send(InboundEventType.SUBSCRIBE, subscriber, "", true, "a-rather-long-tag-name-" + i);
        }
        final ClientSession asker = client(4096, new AtomicInteger());
        send(InboundEventType.LISTALL, asker, "", true);
        final StringBuilder queued = new StringBuilder();
        asker.outbound().drain((type, buffer, index, length) ->
        {
            queued.append(buffer.getStringWithoutLengthUtf8(index, length));
            return org.agrona.concurrent.ControlledMessageHandler.Action.CONTINUE;
        }, Integer.MAX_VALUE);
        assertTrue(queued.toString().startsWith("{\"command\":\"listall\",\"error\":\"Reply too large - "),
            queued.toString());
        assertEquals(0, asker.dropped().get());
    }

    @Test
    void ringSlotGivesBackWhatAHugeMessageGrew()
    {
        final ClientSession publisher = client(4096, new AtomicInteger());
        final String[] many = new String[5000];
        for (int i = 0; i < many.length; i++)
        {
            many[i] = "m" + i;
        }
        send(InboundEventType.PUBLISH, publisher, "x".repeat(100_000), true, many);
        assertTrue(event.tags.length <= 1024, "tag ids kept: " + event.tags.length);
        assertTrue(event.payload.array().length <= 64 * 1024, "payload kept: " + event.payload.array().length);
    }

    @Test
    void disconnectFreesTheSessionsSlotSoNothingKeepsItAlive()
    {
        final ClientSession session = client(4096, new AtomicInteger());
        send(InboundEventType.SUBSCRIBE, session, "", true, "r");
        final int slot = session.slot();
        assertEquals(session, matcher.sessions().get(slot));
        send(InboundEventType.DISCONNECT, session, "", true);
        assertEquals(null, matcher.sessions().get(slot), "the session table must not keep the session alive");
        assertEquals(0, matcher.sessions().size());
        final ClientSession next = client(4096, new AtomicInteger());
        assertEquals(slot, matcher.sessions().register(next), "a freed slot is reused");
    }
}
