package io.mist.retention;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retention store's bounds and orders, on its state alone: count, age, bytes, pulls, replay, deletion. */
class TopicTableTest
{
    private final RetentionCounters counters = new RetentionCounters();
    private final List<String> deleted = new ArrayList<>();
    private long sequence;

    private TopicTable table(final int queueSize, final long maxBytes)
    {
        return new TopicTable(new RetentionOptions(queueSize, Duration.ofSeconds(1), maxBytes, 3), counters,
            deleted::add);
    }

    /** A message as the matcher hands it to the store: mist's frame with its id. */
    private Incoming message(final String payload, final long nanoTime, final String... tags)
    {
        final String frame = "{\"command\":\"publish\",\"tags\":[\"" + String.join("\",\"", tags) +
            "\"],\"data\":\"" + payload + "\",\"id\":" + ++sequence + "}\n";
        return new Incoming(sequence, frame.getBytes(StandardCharsets.UTF_8), tags, nanoTime, nanoTime);
    }

    private String text(final TopicTable table, final RetainedMessage message)
    {
        return message == null ? null : new String(table.payload(message), StandardCharsets.UTF_8);
    }

    @Test
    void aFullTopicDropsItsOldestAndIdsCountOn()
    {
        final TopicTable table = table(2, 1 << 20);
        final RetainedTopic topic = table.topic("t", 0);
        for (int i = 0; i < 4; i++)
        {
            table.file(message("m" + i, 0, "t"));
        }
        assertEquals(4, topic.sequence());
        final RetainedMessage third = table.pull(topic);
        assertEquals("m2", text(table, third));
        assertEquals(2, third.id());
        assertEquals("m3", text(table, table.pull(topic)));
        assertNull(table.pull(topic));
        assertEquals(2, counters.droppedQueueFull.get());
        assertEquals(0, counters.messages.get());
        assertEquals(0, counters.bytes.get());
    }

    @Test
    void aMessageIsKeptUnderEachOfItsTopicsOnceAndOthersAreIgnored()
    {
        final TopicTable table = table(10, 1 << 20);
        final RetainedTopic a = table.topic("a", 0);
        final RetainedTopic b = table.topic("b", 0);
        table.file(message("both", 0, "a", "x", "b", "a"));
        table.file(message("none", 0, "x"));
        assertEquals(1, a.size());
        assertEquals(1, b.size());
        assertEquals(2, counters.retained.get());
    }

    @Test
    void theOldestOfAllGoFirstByBytesAndByAge()
    {
        final TopicTable table = table(100, 1200); // each large message here counts about 490 bytes
        final RetainedTopic a = table.topic("a", 0);
        final RetainedTopic b = table.topic("b", 0);
        final String large = "x".repeat(300);
        table.file(message(large + 1, 0, "a"));
        table.file(message(large + 2, 0, "b"));
        table.file(message(large + 3, 0, "a"));
        assertTrue(counters.bytes.get() <= 1200, "within the budget: " + counters.bytes.get());
        assertEquals(1, counters.droppedMemory.get());
        assertEquals(large + 3, text(table, table.pull(a)), "a's first (the oldest of all) went first");
        assertEquals(1, b.size());

        table.file(message("young", 500_000_000L, "a"));
        table.expire(1_000_000_000L); // b's message is a second old; a's new one half a second
        assertEquals(0, b.size());
        assertEquals(1, a.size());
        assertEquals(1, counters.expired.get());
    }

    @Test
    void aReplayHoldsTheTopicsMessagesFromAnIdThatCarryEveryTag()
    {
        final TopicTable table = table(100, 1 << 20);
        table.topic("a", 0);
        table.file(message("1", 0, "a", "x"));
        table.file(message("2", 0, "a"));
        table.file(message("3", 0, "x", "a"));
        final List<String> frames = new ArrayList<>();
        for (final byte[] frame : table.replay("a", new String[] {"a", "x"}, 2))
        {
            frames.add(new String(frame, StandardCharsets.UTF_8));
        }
        assertEquals(List.of("{\"command\":\"publish\",\"tags\":[\"x\",\"a\"],\"data\":\"3\",\"id\":3}\n"), frames);
        assertEquals(3, table.replay("a", new String[] {"a"}, 0).size());
        assertEquals(0, table.replay("nope", new String[] {"nope"}, 0).size());
    }

    @Test
    void topicsAreBoundedAndDeletedWithWhatTheyKeep()
    {
        final TopicTable table = table(100, 1 << 20);
        table.topic("a", 0);
        table.topic("b", 0);
        table.topic("c", 0);
        assertNull(table.topic("d", 0), "at most 3 topics");
        table.file(message("kept", 0, "a"));
        assertTrue(table.delete("a"));
        assertEquals(List.of("a"), deleted);
        assertEquals(0, counters.messages.get());
        assertEquals(2, counters.topics.get());
        assertTrue(table.topic("d", 0) != null);
    }
}
