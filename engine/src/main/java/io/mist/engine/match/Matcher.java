package io.mist.engine.match;

import com.lmax.disruptor.EventHandler;
import io.mist.codec.Command;
import io.mist.codec.GrowableBytes;
import io.mist.codec.ReplyEncoder;
import io.mist.engine.EngineCounters;
import io.mist.engine.LiveLimits;
import io.mist.engine.RequestLimits;
import io.mist.engine.cluster.ClusterPort;
import io.mist.engine.metrics.EngineMetrics;
import io.mist.engine.metrics.EnqueueStamp;
import io.mist.engine.metrics.LatencyStage;
import io.mist.engine.outbound.Ids;
import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.outbound.ReplayMarker;
import io.mist.engine.outbound.SharedFrames;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.session.ClientSession;
import io.mist.engine.session.SessionTable;
import io.mist.engine.tag.TagTable;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The matcher: the one thread that owns the subscription index. It takes every request from the inbound ring in
 * order, updates subscriptions, selects the receivers of each publish and copies the encoded frame into their
 * outbound rings (dropping and counting when a ring is full), answers list/listall/who, and at the end of each
 * batch wakes each client it wrote to once. Runs on the matcher thread only.
 */
public final class Matcher implements EventHandler<InboundEvent>, SubscriptionIndex.MatchSink
{
    private static final long NO_BATCH = Long.MIN_VALUE;
    private static final byte[] ID_MEMBER = ",\"id\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SubscriptionIndex index = new SubscriptionIndex();
    private final SessionTable sessions = new SessionTable();
    private final TagTable tagTable;
    private final EngineCounters counters;
    private final boolean timed;
    private final SingleWriterRecorder ingressToMatcher;
    private final SingleWriterRecorder matcherToEnqueued;
    /** The {@link EnqueueStamp} of the frames the current batch enqueues. */
    private int stamp = EnqueueStamp.NONE;
    /** With latency histograms: {@code System.nanoTime()} when the current batch began, else {@link #NO_BATCH}. */
    private long batchStart = NO_BATCH;
    /** Publishes in the current batch, recorded together at its end. */
    private long batchPublishes;
    /**
     * Publishes of the current batch in a row with the same decode time (over TCP, one socket read's publishes share
     * it), recorded together in {@link #ingressToMatcher}: one histogram update per run, not per publish.
     */
    private long runDecoded;
    private long runPublishes;
    private LiveLimits limits = new LiveLimits(RequestLimits.DEFAULTS);
    private ClusterPort cluster = ClusterPort.NONE;
    /** The frame {@link #offerFrame} enqueues: an event's payload view, or {@link #replyView}. */
    private UnsafeBuffer frame;
    private int frameLength;
    private final UnsafeBuffer replyView = new UnsafeBuffer(new byte[0]);
    private final GrowableBytes reply = new GrowableBytes(1024);
    /** Subscribers inside the server; {@code who} does not count them. Added by any thread, read by the matcher. */
    private final java.util.List<ClientSession> internal = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The number of the message being matched: messages are counted from 1 as they reach the matcher. */
    private long sequence;
    /** The message being matched with its id, for clients whose messages carry ids; composed once per message. */
    private final GrowableBytes idFrame = new GrowableBytes(1024);
    private final UnsafeBuffer idView = new UnsafeBuffer(new byte[0]);
    private long idFrameSequence = -1;
    private final GrowableBytes marker = new GrowableBytes(32);
    private ClientSession[] toWake = new ClientSession[64];
    private int toWakeCount;
    /** Where large messages are held once for all their receivers; null: always copied. */
    private SharedFrames shared;
    /** The publish being matched is large (its payload array is borrowed): queued by reference if it can be. */
    private boolean shareable;
    /** Its slot in {@link #shared} once claimed, else {@link SharedFrames#NONE}; the references written to it. */
    private int sharedSlot = SharedFrames.NONE;
    private int sharedReferences;

    /** A matcher that records no latencies. */
    public Matcher(final TagTable tagTable, final EngineCounters counters)
    {
        this(tagTable, counters, new EngineMetrics(false));
    }

    /** @param metrics where latencies are recorded (if enabled); the recorders are taken on the first event. */
    public Matcher(final TagTable tagTable, final EngineCounters counters, final EngineMetrics metrics)
    {
        this.tagTable = tagTable;
        this.counters = counters;
        this.timed = metrics.enabled();
        // SingleWriterRecorders: this matcher is their one writer, whichever thread runs it.
        this.ingressToMatcher = timed ? metrics.ingressToMatcher().newRecorder() : null;
        this.matcherToEnqueued = timed ? metrics.matcherToEnqueued().newRecorder() : null;
    }

    /**
     * A batch begins: with latency histograms on, the matcher reads the clock here and once more at the batch's end,
     * not twice per message. Every message of the batch counts from the batch's start (its time in the ring) to the
     * batch's end (matched and enqueued); the two stages still add up to each message's time inside the matcher's
     * side, within the batch's own duration.
     */
    @Override
    public void onBatchStart(final long batchSize, final long queueDepth)
    {
        if (timed)
        {
            openBatch();
        }
    }

    @Override
    public void onEvent(final InboundEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            if (timed && batchStart == NO_BATCH)
            {
                openBatch(); // driven without the Disruptor's batch start (tests, benchmarks)
            }
            handle(event);
        }
        finally
        {
            event.release();
            if (endOfBatch)
            {
                cluster.endOfBatch();
                wakeClients();
                if (timed)
                {
                    closeBatch();
                }
            }
        }
    }

    /** Applies one request. Public for benchmarks and tests that drive the matcher without a ring. */
    public void handle(final InboundEvent event)
    {
        final ClientSession session = sessions.get(event.session);
        switch (event.type)
        {
            case InboundEventType.PUBLISH:
            case InboundEventType.PUBLISH_REMOTE:
                counters.messagesPublished.increment();
                sequence++;
                frame = event.payloadView();
                frameLength = event.payload.length();
                if (timed)
                {
                    if (runPublishes > 0 && event.decodedNanos != runDecoded)
                    {
                        recordRun();
                    }
                    runDecoded = event.decodedNanos;
                    runPublishes++;
                    batchPublishes++;
                }
                shareable = shared != null && event.payload.isBorrowed();
                try
                {
                    index.match(event.tags, event.tagCount, session, this);
                    if (event.type == InboundEventType.PUBLISH)
                    {
                        cluster.published(event);
                    }
                }
                finally
                {
                    settleShared(event);
                }
                break;
            case InboundEventType.CLUSTER:
                cluster.control(event);
                break;
            case InboundEventType.SUBSCRIBE:
                subscribe(session, event.tags, event.tagCount);
                break;
            case InboundEventType.SUBSCRIBE_REPLAY:
                subscribeWithReplay(session, event);
                break;
            case InboundEventType.UNSUBSCRIBE:
                unsubscribe(session, event.tags, event.tagCount);
                break;
            case InboundEventType.REPLY:
                enqueue(session, event.payload);
                break;
            case InboundEventType.LIST:
                enqueueReply(session, Command.LIST, listReply(session, event.payload, event.listSeparator));
                break;
            case InboundEventType.LISTALL:
                enqueueReply(session, Command.LISTALL, listAllReply(event.payload));
                break;
            case InboundEventType.WHO:
                enqueue(session, whoReply(event.payload));
                break;
            case InboundEventType.CLOSE:
                if (event.payload.length() > 0)
                {
                    enqueue(session, event.payload);
                }
                session.requestClose();
                scheduleWake(session);
                break;
            case InboundEventType.PRUNE:
                prune(session, event.tags, event.tagCount);
                break;
            case InboundEventType.DISCONNECT:
                final int removed = index.removeAll(session);
                counters.subscriptions.add(-removed);
                session.subscriptionCount().add(-removed);
                counters.connectionsClosed.increment();
                session.outbound().release();
                sessions.free(event.session);
                break;
            default:
                break;
        }
    }

    private void openBatch()
    {
        if (runPublishes > 0)
        {
            recordRun(); // a batch that ended without its end being seen: its run counts from its own start
        }
        batchStart = System.nanoTime();
        stamp = EnqueueStamp.of(batchStart);
        batchPublishes = 0;
    }

    private void recordRun()
    {
        LatencyStage.record(ingressToMatcher, batchStart - runDecoded, runPublishes);
        runPublishes = 0;
    }

    private void closeBatch()
    {
        if (runPublishes > 0)
        {
            recordRun();
        }
        if (batchPublishes > 0)
        {
            LatencyStage.record(matcherToEnqueued, System.nanoTime() - batchStart, batchPublishes);
        }
        batchStart = NO_BATCH;
    }

    /** Joins a cluster: {@code port} hears this node's interest and publishes. Before the first event. */
    public void cluster(final ClusterPort port)
    {
        cluster = port;
        index.anchorListener(port);
    }

    /**
     * Queues large messages (payloads in arrays borrowed from the pool) by reference to one copy in {@code frames},
     * whose consumers are the rings of this engine's sessions. Before the first event.
     */
    public void share(final SharedFrames frames)
    {
        shared = frames;
    }

    /** Limits subscriptions per client; a subscribe beyond it is answered with an error. Before the first event. */
    public void limits(final RequestLimits requestLimits)
    {
        limits = new LiveLimits(requestLimits);
    }

    /** {@link #limits(RequestLimits)}, reading the ones in force at each subscribe. Before the first event. */
    public void limits(final LiveLimits live)
    {
        limits = live;
    }

    /** The open sessions by slot, as events name them. Registered by IO threads, freed by the matcher. */
    public SessionTable sessions()
    {
        return sessions;
    }

    /** The subscription index; matcher thread only. */
    public SubscriptionIndex index()
    {
        return index;
    }

    /** Clients holding at least one subscription. */
    public int subscribedClients()
    {
        return index.clientCount();
    }

    @Override
    public void onMatch(final ClientSession session)
    {
        if (session.withIds() ? offerWithId(session) : shareable ? offerShared(session) : offerFrame(session))
        {
            counters.messagesDelivered.increment();
            session.delivered().increment();
        }
    }

    /**
     * Subscribes, then marks the point in the client's queue where the replay of kept messages goes, and passes the
     * same marker to the retention store, which answers it with that replay. The client's messages carry ids from now.
     */
    private void subscribeWithReplay(final ClientSession session, final InboundEvent event)
    {
        if (!subscribe(session, event.tags, event.tagCount))
        {
            return;
        }
        marker.clear();
        ReplayMarker.write(marker, event.replayId);
        final ClientSession store = sessions.get(event.replayStore);
        if (store == null || !enqueue(store, marker))
        {
            return; // the store cannot answer (its queue is full): live messages only, no replay to wait for
        }
        session.withIds(true);
        enqueue(session, marker);
    }

    /** Offers the message being matched with its id ({@code ,"id":N} before the closing brace). */
    private boolean offerWithId(final ClientSession session)
    {
        if (idFrameSequence != sequence)
        {
            final int body = frameLength - 2; // the frame ends with "}\n"
            idFrame.clear();
            idFrame.ensureSpare(body + 32);
            frame.getBytes(0, idFrame.array(), 0, body);
            idFrame.advance(body);
            idFrame.put(ID_MEMBER, 0, ID_MEMBER.length);
            Ids.append(idFrame, sequence);
            idFrame.put((byte)'}');
            idFrame.put((byte)'\n');
            idView.wrap(idFrame.array(), 0, idFrame.length());
            idFrameSequence = sequence;
        }
        return offer(session, idView, idFrame.length());
    }

    /** @return false when the subscription was refused (the client's limit; answered with an error). */
    private boolean subscribe(final ClientSession session, final int[] tags, final int count)
    {
        final RequestLimits now = limits.get();
        if (!session.internal() && session.subscriptions().size() >= now.maxSubscriptions() &&
            !index.holds(session, tags, count))
        {
            reply.clear();
            ReplyEncoder.error(reply, Command.SUBSCRIBE, now.tooManySubscriptions());
            enqueue(session, reply);
            return false;
        }
        if (index.add(session, tags, count))
        {
            counters.subscriptions.increment();
            session.subscriptionCount().increment();
        }
        return true;
    }

    private void unsubscribe(final ClientSession session, final int[] tags, final int count)
    {
        if (index.remove(session, tags, count))
        {
            counters.subscriptions.add(-1);
            session.subscriptionCount().add(-1);
        }
    }

    /** Drops the client's subscriptions that hold none of {@code granted[0, count)}. */
    private void prune(final ClientSession session, final int[] granted, final int count)
    {
        for (final int[] set : new ArrayList<>(session.subscriptions().tagSets()))
        {
            boolean allowed = false;
            for (int i = 0; i < set.length && !allowed; i++)
            {
                for (int g = 0; g < count; g++)
                {
                    if (set[i] == granted[g])
                    {
                        allowed = true;
                        break;
                    }
                }
            }
            if (!allowed)
            {
                unsubscribe(session, set, set.length);
            }
        }
    }

    private boolean enqueue(final ClientSession session, final GrowableBytes bytes)
    {
        replyView.wrap(bytes.array(), 0, bytes.length());
        frame = replyView;
        frameLength = bytes.length();
        return offerFrame(session);
    }

    /** Offers {@link #frame} to the client's ring: wakes the client on success, counts the drop otherwise. */
    private boolean offerFrame(final ClientSession session)
    {
        return offer(session, frame, frameLength);
    }

    private boolean offer(final ClientSession session, final UnsafeBuffer bytes, final int length)
    {
        if (session.outbound().offer(bytes, 0, length, stamp))
        {
            scheduleWake(session);
            return true;
        }
        dropped(session);
        return false;
    }

    private void dropped(final ClientSession session)
    {
        session.dropped().increment();
        counters.clientDropped.increment();
    }

    /**
     * Offers the large message being matched by reference: its payload array is claimed as a shared frame on the
     * first receiver; if it cannot be (see {@link SharedFrames#claim}), this and the remaining receivers get copies.
     */
    private boolean offerShared(final ClientSession session)
    {
        if (sharedSlot == SharedFrames.NONE)
        {
            sharedSlot = shared.claim(frame.byteArray(), frameLength);
            if (sharedSlot == SharedFrames.NONE)
            {
                shareable = false;
                return offerFrame(session);
            }
        }
        if (session.outbound().offerShared(sharedSlot, frameLength, stamp))
        {
            sharedReferences++;
            scheduleWake(session);
            return true;
        }
        dropped(session);
        return false;
    }

    /** The publish is matched: a claimed payload array now belongs to its shared frame, which counts its references. */
    private void settleShared(final InboundEvent event)
    {
        shareable = false;
        if (sharedSlot != SharedFrames.NONE)
        {
            event.payload.takeBorrowed();
            shared.settle(sharedSlot, sharedReferences);
            sharedSlot = SharedFrames.NONE;
            sharedReferences = 0;
        }
    }

    /** Queues a computed reply; one too large for the client's ring becomes an error reply rather than a drop. */
    private void enqueueReply(final ClientSession session, final Command command, final GrowableBytes encoded)
    {
        final int limit = OutboundRing.largestFrame(session.outbound().capacity());
        if (encoded.length() > limit)
        {
            final int size = encoded.length();
            encoded.clear();
            ReplyEncoder.error(encoded, command, OutboundRing.tooLarge("Reply", size, limit));
        }
        enqueue(session, encoded);
    }

    private void scheduleWake(final ClientSession session)
    {
        if (session.markWakePending())
        {
            if (toWakeCount == toWake.length)
            {
                toWake = Arrays.copyOf(toWake, toWakeCount << 1);
            }
            toWake[toWakeCount++] = session;
        }
    }

    private void wakeClients()
    {
        for (int i = 0; i < toWakeCount; i++)
        {
            toWake[i].wake();
            toWake[i] = null;
        }
        toWakeCount = 0;
    }

    /**
     * {@code list}: each subscription's tags joined by ',', single-tag ones first, each group sorted; concatenated as
     * mist does ({@code separator} 0) or separated by {@code separator}.
     */
    private GrowableBytes listReply(final ClientSession session, final GrowableBytes echo, final byte separator)
    {
        final GrowableBytes data = new GrowableBytes(64);
        boolean first = true;
        for (final byte[] part : subscriptionsInListOrder(session))
        {
            if (!first && separator != 0)
            {
                data.put(separator);
            }
            first = false;
            data.put(part, 0, part.length);
        }
        return replyWith(Command.LIST, echo, data);
    }

    /** Each subscription's tags joined by ','; single-tag subscriptions first, each group sorted. */
    private List<byte[]> subscriptionsInListOrder(final ClientSession session)
    {
        final List<byte[]> singles = new ArrayList<>();
        final List<byte[]> multis = new ArrayList<>();
        for (final int[] set : session.subscriptions().tagSets())
        {
            final GrowableBytes joined = new GrowableBytes(32);
            for (int i = 0; i < set.length; i++)
            {
                if (i > 0)
                {
                    joined.put((byte)',');
                }
                final byte[] tag = tagTable.bytes(set[i]);
                joined.put(tag, 0, tag.length);
            }
            (set.length == 1 ? singles : multis).add(Arrays.copyOf(joined.array(), joined.length()));
        }
        final Comparator<byte[]> order = Arrays::compareUnsigned;
        singles.sort(order);
        multis.sort(order);
        singles.addAll(multis);
        return singles;
    }

    /** {@code listall}: every tag some client subscribes to, sorted, joined by spaces. */
    private GrowableBytes listAllReply(final GrowableBytes echo)
    {
        final List<byte[]> tags = new ArrayList<>();
        for (int tag = 0, limit = index.tagIdLimit(); tag < limit; tag++)
        {
            if (index.isInUse(tag))
            {
                tags.add(tagTable.bytes(tag));
            }
        }
        tags.sort(Arrays::compareUnsigned);
        final GrowableBytes data = new GrowableBytes(64);
        for (int i = 0; i < tags.size(); i++)
        {
            if (i > 0)
            {
                data.put((byte)' ');
            }
            data.put(tags.get(i), 0, tags.get(i).length);
        }
        return replyWith(Command.LISTALL, echo, data);
    }

    /** A subscriber inside the server (see {@link io.mist.engine.Engine#openInternalSession}). Any thread. */
    public void internal(final ClientSession session)
    {
        internal.add(session);
    }

    private int subscribedInternal()
    {
        int count = 0;
        for (final ClientSession session : internal)
        {
            count += session.subscriptions().size() > 0 ? 1 : 0;
        }
        return count;
    }

    /** {@code who}: mist's two counts, with its double space. */
    private GrowableBytes whoReply(final GrowableBytes echo)
    {
        final byte[] text = ("Lifetime  connections: " + counters.connectionsOpened.get() +
            "\nSubscribers connected: " + (index.clientCount() - subscribedInternal()))
            .getBytes(StandardCharsets.UTF_8);
        final GrowableBytes data = new GrowableBytes(text.length);
        data.put(text, 0, text.length);
        return replyWith(Command.WHO, echo, data);
    }

    private GrowableBytes replyWith(final Command command, final GrowableBytes echo, final GrowableBytes data)
    {
        reply.clear();
        ReplyEncoder.queryReply(reply, command, echo, data);
        return reply;
    }
}
