package io.mist.retention;

import io.mist.codec.Command;
import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.Engine;
import io.mist.engine.outbound.ReplayMarker;
import io.mist.engine.session.ClientSession;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps recent messages per topic for pulling and replay, beside the engine: a subscriber of the engine's own (an
 * internal session) that holds one subscription per topic, so the matcher hands it each message on a topic as it
 * hands one to a client: one more copy into one more ring, nothing else on the matcher's path. Its own thread,
 * {@code mist-retention}, drains that ring, keeps the messages ({@link TopicTable}: bounded in count, age and bytes)
 * and pushes them to the topics' subscribers.
 * <p>
 * Requests that read or change what is kept ({@link RetentionClient}) travel through the inbound ring like
 * messages: as a marker the matcher passes into this store's ring, run on the retention thread when it arrives. So
 * a request sees every message offered before it, by anyone: a pull right after an acknowledged publish finds it,
 * and a replay and the live messages after it meet without a gap or a duplicate.
 */
public final class RetentionStore implements AutoCloseable, ControlledMessageHandler
{
    private static final Logger LOG = LoggerFactory.getLogger("mist.retention");
    /** The most the store's ring from the matcher may grow to. */
    static final int RING_CAPACITY = 16 * 1024 * 1024;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Work on the store's state, run on the retention thread. */
    @FunctionalInterface
    public interface Operation
    {
        void run(TopicTable table, long epochNanos);
    }

    private final Engine engine;
    private final RetentionOptions options;
    private final RetentionCounters counters = new RetentionCounters();
    private final TopicTable table;
    private final ClientSession session;
    private final Map<Long, Operation> operations = new ConcurrentHashMap<>();
    private final AtomicLong nextOperation = new AtomicLong();
    /** Topics the store has been asked to keep (and subscribed to); IO threads add, the retention thread removes. */
    private final Map<String, Boolean> known = new ConcurrentHashMap<>();
    private final GrowableBytes pending = new GrowableBytes(4096);
    private final MistFrameParser parser = new MistFrameParser();
    private final MistFrame frame = new MistFrame();
    private final TagNames tagNames = new TagNames();
    private final long epochBase = System.currentTimeMillis() * 1_000_000L;
    private final long nanoBase = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean warnedRefusal;

    public RetentionStore(final Engine engine, final RetentionOptions options)
    {
        this.engine = engine;
        this.options = options;
        this.table = new TopicTable(options, counters, known::remove);
        this.thread = new Thread(this::run, "mist-retention");
        thread.setDaemon(true);
        this.session = engine.openInternalSession(() -> LockSupport.unpark(thread),
            Math.max(RING_CAPACITY, engine.config().clientBufferSize()));
    }

    public RetentionStore start()
    {
        thread.start();
        LOG.debug("Retention: up to {} messages per topic for {} s, {} MiB and {} topics in all", options.queueSize(),
            options.ttl().toSeconds(), options.maxBytes() / (1024 * 1024), options.maxTopics());
        return this;
    }

    public RetentionOptions options()
    {
        return options;
    }

    public RetentionCounters counters()
    {
        counters.droppedBehind.set(session.dropped().get());
        return counters;
    }

    /** A way into the store for one connection; used on its event loop only. */
    public RetentionClient client()
    {
        return new RetentionClient(this, engine.clientIngress(session, false));
    }

    /** Whether the store has been asked to keep {@code topic}. Any thread. */
    boolean known(final String topic)
    {
        return known.containsKey(topic);
    }

    void markKnown(final String topic)
    {
        known.put(topic, Boolean.TRUE);
    }

    /** Whether another topic may be made (approximately: the retention thread has the last word). */
    boolean roomForTopic()
    {
        return known.size() < options.maxTopics();
    }

    /** Registers {@code operation} for the marker that will carry it; returns the marker's id. */
    long register(final Operation operation)
    {
        final long id = nextOperation.incrementAndGet();
        operations.put(id, operation);
        return id;
    }

    /** The slot the store's session has in the engine, as replay events name it. */
    public int slot()
    {
        return session.slot();
    }

    /** The marker could not be offered, or its operation is given up: forget it; false when it ran already. */
    boolean unregister(final long id)
    {
        return operations.remove(id) != null;
    }

    private void run()
    {
        long nextTick = System.nanoTime() + TICK_NANOS;
        while (running)
        {
            int work = 0;
            try
            {
                work = session.outbound().drain(this, 256);
                final long now = System.nanoTime();
                if (now - nextTick >= 0)
                {
                    table.expire(now);
                    nextTick = now + TICK_NANOS;
                }
            }
            catch (final RuntimeException ex)
            {
                LOG.error("Retention failed on a message; continuing", ex);
            }
            if (work == 0)
            {
                LockSupport.parkNanos(this, TICK_NANOS);
            }
        }
    }

    @Override
    public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        pending.ensureSpare(length);
        buffer.getBytes(index, pending.array(), pending.length(), length);
        pending.advance(length);
        if (length > 0 && buffer.getByte(index + length - 1) == '\n')
        {
            try
            {
                handle(pending.array(), pending.length());
            }
            finally
            {
                pending.clear();
            }
        }
        return Action.CONTINUE;
    }

    /** One whole frame from the matcher: a message on one of the topics, a marker, or a refusal of a subscription. */
    private void handle(final byte[] bytes, final int length)
    {
        final long nanoTime = System.nanoTime();
        final long epochNanos = epochBase + (nanoTime - nanoBase);
        final long marker = ReplayMarker.id(bytes, length);
        if (marker >= 0)
        {
            final Operation operation = operations.remove(marker);
            if (operation != null)
            {
                operation.run(table, epochNanos);
            }
            return;
        }
        try
        {
            parser.parse(bytes, length - 1, frame);
        }
        catch (final FrameException ex)
        {
            LOG.error("Retention could not read a frame from the matcher: {}", ex.getMessage());
            return;
        }
        if (frame.command() != Command.PUBLISH)
        {
            if (!warnedRefusal && frame.errorLength() > 0)
            {
                warnedRefusal = true; // a topic the engine refused as a subscription (its limits): said once
                LOG.warn("Retention: a topic could not be subscribed to: {}",
                    new String(frame.errorBytes(), 0, frame.errorLength(), StandardCharsets.UTF_8));
            }
            return;
        }
        final String[] tags = new String[frame.tagCount()];
        for (int i = 0; i < tags.length; i++)
        {
            tags[i] = tagNames.name(frame.tagBytes(), frame.tagOffset(i), frame.tagLength(i));
        }
        table.file(new Incoming(sequence(bytes, length), java.util.Arrays.copyOf(bytes, length), tags, epochNanos,
            nanoTime));
    }

    /** The message number at the end of a frame the store receives: {@code ...,"id":N}\n}. */
    private static long sequence(final byte[] bytes, final int length)
    {
        int i = length - 3; // before "}\n"
        long id = 0;
        long scale = 1;
        while (i >= 0 && bytes[i] >= '0' && bytes[i] <= '9')
        {
            id += (bytes[i] - '0') * scale;
            scale *= 10;
            i--;
        }
        return id;
    }

    /** Stops the retention thread; what is kept is gone. Main thread, at shutdown. */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(2000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
