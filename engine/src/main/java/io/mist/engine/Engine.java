package io.mist.engine;

import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.mist.engine.cluster.ClusterPort;
import io.mist.engine.ingress.ClientIngress;
import io.mist.engine.ring.InboundTranslator;
import io.mist.engine.ring.Offer;
import io.mist.engine.ingress.MessagePublisher;
import io.mist.engine.ingress.RequestEncoder;
import io.mist.engine.ingress.RequestPolicy;
import io.mist.engine.match.Matcher;
import io.mist.engine.metrics.EngineMetrics;
import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.outbound.SharedFrames;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundEventType;
import io.mist.engine.ring.InboundRing;
import io.mist.engine.ring.ParkingWaitStrategy;
import io.mist.engine.ring.PayloadPool;
import io.mist.engine.ring.WakeupHold;
import io.mist.engine.session.ClientSession;
import io.mist.engine.session.OutboundWakeup;
import io.mist.engine.tag.TagTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The broker's core: the inbound Disruptor ring, the matcher thread behind it, the tag table and the counters.
 * Transports open a {@link ClientSession} per connection and feed it through a {@link ClientIngress}; producers that
 * are not client connections (HTTP publish) use a {@link MessagePublisher}. Started and closed by the server's main
 * thread; {@link #openSession}, {@link #clientIngress} and {@link #publisher} are called by IO threads.
 */
public final class Engine implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final EngineConfig config;
    private final TagTable tagTable;
    private final EngineCounters counters = new EngineCounters();
    private final PayloadPool payloads = new PayloadPool(counters.inboundPayloadAllocations);
    private final SharedFrames shared;
    private final EngineMetrics metrics;
    private final Matcher matcher;
    private final Disruptor<InboundEvent> disruptor;
    private final InboundRing ring;
    /** The parking matcher's hold on wake-ups; {@link WakeupHold#NONE} for a polling one (no producer wakes it). */
    private final WakeupHold wakeups;
    /** The matcher's wait strategy if it parks when idle ({@code block}); null for the polling ones. */
    private final ParkingWaitStrategy parking;
    private final LiveLimits limits;

    public Engine(final EngineConfig config)
    {
        this.config = config;
        this.tagTable = new TagTable(config.limits().maxDistinctTags());
        this.limits = new LiveLimits(config.limits());
        this.metrics = new EngineMetrics(config.latencyHistograms());
        this.matcher = new Matcher(tagTable, counters, metrics);
        matcher.limits(limits);
        this.shared = new SharedFrames(payloads, config.inboundBufferSize());
        matcher.share(shared);
        final com.lmax.disruptor.WaitStrategy waitStrategy = config.waitStrategy().create(config.matcherSpins());
        this.disruptor = new Disruptor<>(() -> new InboundEvent(payloads), config.ringSize(), runnable ->
        {
            final Thread thread = new Thread(config.matcherCpus().pinning(runnable), "mist-matcher");
            thread.setDaemon(true);
            return thread;
        }, ProducerType.MULTI, waitStrategy);
        disruptor.handleEventsWith(matcher);
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
        this.ring = new InboundRing(disruptor.getRingBuffer(), counters.inboundRingFull, payloads,
            config.inboundBufferSize(), counters.inboundBufferFull);
        this.parking = waitStrategy instanceof ParkingWaitStrategy ? (ParkingWaitStrategy)waitStrategy : null;
        this.wakeups = parking != null ? parking : WakeupHold.NONE;
    }

    public Engine start()
    {
        disruptor.start();
        return this;
    }

    /** A new connection: counts it (mist's lifetime connections) and gives it an outbound ring. IO thread. */
    public ClientSession openSession(final OutboundWakeup wakeup)
    {
        final long id = counters.connectionsOpened.incrementAndGet();
        final ClientSession session = new ClientSession(id, new OutboundRing(config.clientBufferSize(), shared), wakeup);
        matcher.sessions().register(session);
        return session;
    }

    /**
     * A subscriber inside the server (the retention store): a session like a client's, whose outbound ring of up to
     * {@code capacity} bytes its own thread drains, whose messages carry their ids. It is not a connection: not
     * counted as one, not subject to {@code --max-subscriptions}, not counted by {@code who}. Any thread.
     */
    public ClientSession openInternalSession(final OutboundWakeup wakeup, final int capacity)
    {
        final ClientSession session = new ClientSession(0, new OutboundRing(capacity, shared), wakeup, true);
        session.withIds(true);
        matcher.sessions().register(session);
        matcher.internal(session);
        return session;
    }

    /**
     * Holds back the calling thread's wake-ups of the matcher over a run of offers (one socket read's requests), so a
     * parked matcher is woken once for all of them. Any producing thread.
     */
    public WakeupHold wakeups()
    {
        return wakeups;
    }

    /**
     * Whether every IO thread shares the matcher's one CPU ({@code --matcher-cpu} and {@code --io-cpus} the same single
     * CPU, as {@code auto} chooses on two CPUs) and the matcher parks when idle: then an IO thread about to wait for
     * its sockets first gives the CPU to a matcher it woke that has not run yet ({@link #matcherWoken()}), so the
     * matcher's drains find the IO thread awake instead of waking it again.
     */
    public boolean ioThreadsShareMatcherCpu()
    {
        return parking != null && config.ioThreadsOnMatcherCpu();
    }

    /**
     * Whether the matcher is not parked: woken by a publish, or working, and not yet out of work. Always false for a
     * matcher that polls instead of parking. Any thread; IO threads ask before they wait.
     */
    public boolean matcherWoken()
    {
        return parking != null && parking.woken();
    }

    /** The per-connection entry into the ring. IO thread. */
    public ClientIngress clientIngress(final ClientSession session, final boolean echoUnknown)
    {
        return new ClientIngress(ring, session, requestEncoder(), echoUnknown);
    }

    /** An entry into the ring for a producer that is not a client connection; one per producing thread. */
    public MessagePublisher publisher()
    {
        return new MessagePublisher(ring, requestEncoder());
    }

    /**
     * An entry into the ring for messages another node of the cluster published: delivered to this node's
     * subscribers, never forwarded again. One per producing thread.
     */
    public MessagePublisher remotePublisher()
    {
        return new MessagePublisher(ring, requestEncoder(), true);
    }

    /**
     * Joins a cluster: the matcher tells {@code port} this node's interest and hands it every publish made here.
     * Before {@link #start}.
     */
    public void cluster(final ClusterPort port)
    {
        matcher.cluster(port);
    }

    /**
     * Offers an event of the cluster bridge's own ({@link io.mist.engine.ring.InboundEventType#CLUSTER}, filled by
     * {@code translator}) to the matcher, in ring order; never waits.
     */
    public <A> Offer offerControl(final InboundTranslator<A> translator, final A arg)
    {
        return ring.offer(null, translator, arg);
    }

    private RequestEncoder requestEncoder()
    {
        return new RequestEncoder(tagTable, new RequestPolicy(limits,
            OutboundRing.largestFrame(config.clientBufferSize())), metrics.enabled());
    }

    public EngineCounters counters()
    {
        return counters;
    }

    /** The arrays the inbound ring's large payloads borrow. */
    public PayloadPool payloadPool()
    {
        return payloads;
    }

    /** Large messages held once for the clients they are queued to. */
    public SharedFrames sharedFrames()
    {
        return shared;
    }

    /** The data path's latency histograms. */
    public EngineMetrics metrics()
    {
        return metrics;
    }

    public TagTable tagTable()
    {
        return tagTable;
    }

    /** The request limits in force; a reload may change them ({@link LiveLimits#set}). */
    public LiveLimits limits()
    {
        return limits;
    }

    public EngineConfig config()
    {
        return config;
    }

    /**
     * Lets the matcher finish what is already in the ring (for up to 2 s), then stops it; requests after that are
     * dropped. Call after the listeners have stopped reading.
     */
    @Override
    public void close()
    {
        close(2000);
    }

    /** {@link #close()}, letting the matcher drain the ring for up to {@code millis}. */
    public void close(final long millis)
    {
        try
        {
            disruptor.shutdown(Math.max(1, millis), TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            LOG.warn("Matcher did not drain the inbound ring within {} ms; stopping it", Math.max(1, millis));
            disruptor.halt();
        }
        finally
        {
            ring.close();
        }
    }

    /** Keeps the matcher alive after a failure in one event, and says so. */
    private static final class LoggingExceptionHandler implements ExceptionHandler<InboundEvent>
    {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final InboundEvent event)
        {
            LOG.error("Matcher failed on event {} ({}); continuing", sequence, InboundEventType.name(event.type), ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            LOG.error("Matcher failed to start", ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            LOG.error("Matcher failed to shut down", ex);
        }
    }
}
