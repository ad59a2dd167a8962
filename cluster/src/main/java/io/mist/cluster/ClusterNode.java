package io.mist.cluster;

import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.Engine;
import io.mist.engine.ingress.MessagePublisher;
import io.mist.engine.ring.Offer;
import io.mist.engine.ring.WakeupHold;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * This node's membership of a mist cluster, over NATS. Every node announces its interest (the tags its subscriptions
 * are filed under) on {@code mist.<name>.interest}; a publish made on a node is sent, once, to each other node whose
 * interest one of its tags meets, on that node's own subject {@code mist.<name>.node.<id>}, and each node delivers
 * what it receives to its own subscribers (never forwarding it again). So a node without subscribers receives
 * nothing, a publish nobody else wants is not sent, each subscriber gets a message once whatever subscriptions it
 * holds, and messages from one publisher keep their order. NATS reconnects by itself; messages meant for other nodes
 * while it is unreachable are dropped and counted, and interest is announced again once it is back.
 * <p>
 * Threads: the matcher runs {@link MatcherSide}; one {@link Sender} thread publishes; NATS's dispatcher threads
 * receive (one for messages, one for interest, which hands each message to the control thread). Created, started
 * and closed by the server's main thread: {@link #prepare} before the engine starts, {@link #start} after.
 */
public final class ClusterNode implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final int FORWARD_RING_BYTES = 8 * 1024 * 1024;

    private final ClusterOptions options;
    private final Engine engine;
    private final String id;
    private final ClusterCounters counters = new ClusterCounters();
    private final AtomicReferenceArray<String> subjects = new AtomicReferenceArray<>(PeerTable.SLOTS);
    private final RingBuffer forward = MatcherSide.ring(FORWARD_RING_BYTES);
    private final MatcherSide matcherSide = new MatcherSide(forward, counters);
    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(runnable ->
        daemon(runnable, "mist-cluster-control"));
    private Connection nats;
    private Sender sender;
    private Thread senderThread;
    private PeerTable peers;
    private volatile boolean connected;
    private volatile Runnable tokensChanged = () ->
    {
    };

    private ClusterNode(final ClusterOptions options, final Engine engine)
    {
        this.options = options;
        this.engine = engine;
        final byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        this.id = HexFormat.of().formatHex(random);
    }

    /** Hooks the bridge into {@code engine}'s matcher; call before the engine starts. */
    public static ClusterNode prepare(final ClusterOptions options, final Engine engine)
    {
        final ClusterNode node = new ClusterNode(options, engine);
        engine.cluster(node.matcherSide);
        return node;
    }

    /**
     * Connects to NATS and joins: subscribes to this node's subject and to the interest messages, starts announcing.
     * Throws when no NATS server can be reached at all (the server does not start); later outages are ridden out.
     */
    public void start() throws IOException
    {
        final String prefix = options.prefix();
        final Options.Builder builder = new Options.Builder()
            .servers(options.servers().toArray(String[]::new))
            .connectionName("mist node " + id + " (cluster " + options.name() + ")")
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(500))
            .connectionTimeout(Duration.ofSeconds(5))
            .reconnectBufferSize(0) // while NATS is away, forwarded messages are dropped and counted, not held
            .connectionListener(this::connectionEvent)
            .errorListener(new ErrorListener()
            {
                @Override
                public void slowConsumerDetected(final Connection conn, final Consumer consumer)
                {
                    LOG.warn("Cluster: this node falls behind the messages other nodes send it; NATS drops some");
                }
            });
        if (options.credentials() != null)
        {
            builder.authHandler(Nats.credentials(options.credentials().toString()));
        }
        if (options.trustedCertificates() != null)
        {
            builder.sslContext(trusting(options.trustedCertificates()));
        }
        try
        {
            nats = Nats.connect(builder.build());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to NATS", ex);
        }
        connected = true;
        peers = new PeerTable(engine, id, prefix, subjects, counters, sync -> publishQuietly(prefix + ".sync", sync));
        sender = new Sender(forward, nats, engine.tagTable(), counters, id, prefix, subjects);
        senderThread = daemon(sender, "mist-cluster-sender");
        matcherSide.sender(senderThread);

        final MessagePublisher publisher = engine.remotePublisher();
        final MistFrameParser parser = new MistFrameParser();
        final MistFrame frame = new MistFrame();
        final GrowableBytes line = new GrowableBytes(1024);
        final Dispatcher messages = nats.createDispatcher(message -> deliver(message, publisher, parser, frame, line));
        messages.subscribe(prefix + ".node." + id);
        final Dispatcher interest = nats.createDispatcher(message ->
        {
            final byte[] data = message.getData();
            if (message.getSubject().endsWith(".sync"))
            {
                control.execute(() -> sender.snapshotWanted(senderThread));
            }
            else
            {
                control.execute(() -> peers.onInterest(data));
            }
        });
        interest.subscribe(prefix + ".interest");
        interest.subscribe(prefix + ".sync");
        final Dispatcher tokens = nats.createDispatcher(message ->
        {
            if (!new String(message.getData(), java.nio.charset.StandardCharsets.US_ASCII).equals(id))
            {
                control.execute(tokensChanged);
            }
        });
        tokens.subscribe(prefix + ".tokens");
        try
        {
            nats.flush(Duration.ofSeconds(5)); // the subscriptions are in place before anything is announced
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new IOException("NATS did not answer within 5 s", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while joining the cluster", ex);
        }
        senderThread.start();
        control.execute(peers::sync);
        control.scheduleAtFixedRate(() -> peers.expire(connected), 1, 1, TimeUnit.SECONDS);
        LOG.info("Cluster '{}': node {} joined through NATS ({})", options.name(), id, options.describe());
    }

    /**
     * One NATS message from another node, a batch of frames one after the other, each ending in a newline: each
     * published here in order. The matcher is
     * woken once for the whole message rather than once per frame (as for a socket read); a frame is read without its
     * newline, so a delivery in mist's own form is read in one pass and passed on as it came.
     */
    private void deliver(final Message message, final MessagePublisher publisher, final MistFrameParser parser,
        final MistFrame frame, final GrowableBytes line)
    {
        final byte[] data = message.getData();
        counters.bytesIn.addAndGet(data.length);
        final WakeupHold wakeups = engine.wakeups();
        wakeups.hold();
        try
        {
            int start = 0;
            for (int i = 0; i < data.length; i++)
            {
                if (data[i] != '\n')
                {
                    continue;
                }
                line.clear();
                line.put(data, start, i - start);
                start = i + 1;
                counters.messagesIn.incrementAndGet();
                try
                {
                    parser.parse(line.array(), line.length(), frame);
                }
                catch (final FrameException ex)
                {
                    LOG.warn("Cluster: unreadable message from another node ignored: {}", ex.getMessage());
                    continue;
                }
                // In order: this dispatcher thread waits for room rather than skipping ahead, and lets the matcher
                // know of what it held back first, so it runs to make that room.
                while (publisher.publish(frame) == Offer.FULL)
                {
                    wakeups.release();
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
                    wakeups.hold();
                }
            }
        }
        finally
        {
            wakeups.release();
        }
    }

    private void connectionEvent(final Connection connection, final ConnectionListener.Events event)
    {
        switch (event)
        {
            case DISCONNECTED:
                if (connected)
                {
                    connected = false;
                    counters.disconnects.incrementAndGet();
                    LOG.warn("Cluster: lost NATS; messages for other nodes are dropped until it is back");
                }
                break;
            case RECONNECTED:
            case RESUBSCRIBED:
                if (!connected && peers != null)
                {
                    connected = true;
                    LOG.info("Cluster: NATS is back; announcing this node's interest again");
                    control.execute(() ->
                    {
                        peers.reconnected();
                        sender.snapshotWanted(senderThread);
                        peers.sync();
                    });
                }
                break;
            default:
                break;
        }
    }

    private void publishQuietly(final String subject, final byte[] message)
    {
        try
        {
            nats.publish(subject, message);
        }
        catch (final IllegalStateException disconnected)
        {
            LOG.debug("Cluster: cannot publish on {} while NATS is unreachable", subject);
        }
    }

    /**
     * What to do when another node changed tokens (an admin command): re-read them from the shared store. Before
     * {@link #start}.
     */
    public void onTokensChanged(final Runnable reload)
    {
        tokensChanged = reload;
    }

    /** This node changed tokens: tells the others, which re-read them (the message names no token). Any thread. */
    public void tokensChanged()
    {
        if (nats != null)
        {
            publishQuietly(options.prefix() + ".tokens", id.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    /** This node's id in the cluster (random per start). */
    public String id()
    {
        return id;
    }

    /** Whether NATS is reachable now. */
    public boolean connected()
    {
        return connected;
    }

    public ClusterCounters counters()
    {
        return counters;
    }

    public ClusterOptions options()
    {
        return options;
    }

    @Override
    public void close()
    {
        if (sender != null)
        {
            sender.stop();
            LockSupport.unpark(senderThread);
        }
        control.shutdownNow();
        if (nats != null)
        {
            try
            {
                nats.close();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (senderThread != null)
        {
            try
            {
                senderThread.join(2000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** TLS that trusts the certificates in {@code pem} (a CA, or NATS's own self-signed certificate). */
    private static javax.net.ssl.SSLContext trusting(final java.nio.file.Path pem) throws IOException
    {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(pem))
        {
            final java.security.KeyStore store = java.security.KeyStore.getInstance(
                java.security.KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (final java.security.cert.Certificate certificate :
                java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in))
            {
                store.setCertificateEntry("nats-" + n++, certificate);
            }
            if (n == 0)
            {
                throw new IOException("--cluster-tls-ca " + pem + ": no certificate in the file");
            }
            final javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            final javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new IOException("--cluster-tls-ca " + pem + ": not usable PEM certificates (" + ex.getMessage() +
                ")", ex);
        }
    }

    private static Thread daemon(final Runnable runnable, final String name)
    {
        final Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
