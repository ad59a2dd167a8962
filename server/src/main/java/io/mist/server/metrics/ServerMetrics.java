package io.mist.server.metrics;

import io.mist.auth.AuthUrl;
import io.mist.auth.AuthUrlCounters;
import io.mist.cluster.ClusterCounters;
import io.mist.retention.RetentionCounters;
import io.mist.retention.RetentionStore;
import io.mist.cluster.ClusterNode;
import io.mist.engine.Engine;
import io.mist.engine.EngineCounters;
import io.mist.engine.metrics.LatencySnapshot;
import io.mist.engine.metrics.LatencyStage;

import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a running server reports about itself: the engine's counters, open connections per listener, failed
 * authentications and the data path's latency histograms. Renders them as Prometheus text ({@code /metrics}) and as
 * the periodic stats log line. Any thread; reading takes the histograms' reader lock, never a writer's.
 */
public final class ServerMetrics
{
    private static final double NANOS_PER_SECOND = 1e9;
    private final long started = System.nanoTime();
    private static final String[] QUANTILES = {"0.5", "0.9", "0.99", "0.999", "0.9999", "1"};

    private final Engine engine;
    private final Supplier<Map<String, Integer>> listenerConnections;
    private final LongSupplier authFailures;
    private final LongSupplier ringBytes;
    private final LongSupplier pendingWriteBytes;
    private volatile ClusterNode cluster;
    private volatile AuthUrl authUrl;
    private volatile RetentionStore retention;

    /**
     * @param listenerConnections open connections by listener URI, read at each rendering.
     * @param ringBytes outbound ring memory held for all clients.
     * @param pendingWriteBytes bytes handed to Netty for all sockets, not yet to the kernel.
     * @param authFailures failed token checks so far; negative while the server has no authenticator.
     */
    public ServerMetrics(final Engine engine, final Supplier<Map<String, Integer>> listenerConnections,
        final LongSupplier ringBytes, final LongSupplier pendingWriteBytes, final LongSupplier authFailures)
    {
        this.engine = engine;
        this.listenerConnections = listenerConnections;
        this.ringBytes = ringBytes;
        this.pendingWriteBytes = pendingWriteBytes;
        this.authFailures = authFailures;
    }

    /** Reports this node's cluster bridge too, from now on. */
    public void cluster(final ClusterNode node)
    {
        cluster = node;
    }

    /** Reports what the retention store keeps and did too, from now on. */
    public void retention(final RetentionStore store)
    {
        retention = store;
    }

    private static void retention(final StringBuilder out, final RetentionStore store)
    {
        final RetentionCounters c = store.counters();
        gauge(out, "mist_retention_topics", "Topics the retention store keeps messages for (msgbus topics).",
            c.topics.get());
        gauge(out, "mist_retention_messages", "Messages kept now, over all topics.", c.messages.get());
        gauge(out, "mist_retention_bytes", "Bytes of messages kept now (payload, tags and bookkeeping; at most " +
            "--msgbus-max-bytes).", c.bytes.get());
        counter(out, "mist_retention_retained_total", "Messages kept, one per topic a message was kept under.",
            c.retained.get());
        counter(out, "mist_retention_pulled_total", "Kept messages taken by a pull (GET /topic).", c.pulled.get());
        counter(out, "mist_retention_expired_total", "Kept messages removed at --msgbus-ttl.", c.expired.get());
        header(out, "mist_retention_dropped_total", "Messages dropped by the retention store: the oldest of a full " +
            "topic (queue_full), the oldest of all at --msgbus-max-bytes (memory), or never kept because the store " +
            "fell behind the matcher (behind).", "counter");
        out.append("mist_retention_dropped_total{reason=\"queue_full\"} ").append(c.droppedQueueFull.get())
            .append('\n');
        out.append("mist_retention_dropped_total{reason=\"memory\"} ").append(c.droppedMemory.get()).append('\n');
        out.append("mist_retention_dropped_total{reason=\"behind\"} ").append(c.droppedBehind.get()).append('\n');
        gauge(out, "mist_retention_subscribers", "Topic subscribers (msgbus WebSockets).", c.subscribers.get());
        counter(out, "mist_retention_pushed_total", "Messages sent to topic subscribers.", c.pushed.get());
        counter(out, "mist_retention_push_dropped_total", "Messages a topic subscriber lost because it read too " +
            "slowly.", c.pushDropped.get());
    }

    /** Reports the auth URL's requests and answers too, from now on. */
    public void authUrl(final AuthUrl url)
    {
        authUrl = url;
    }

    private static void authUrl(final StringBuilder out, final AuthUrl url)
    {
        final AuthUrlCounters c = url.counters();
        counter(out, "mist_auth_url_requests_total", "Requests sent to the auth URL (--auth-url).", c.requests.get());
        counter(out, "mist_auth_url_cache_hits_total", "Token checks answered from the auth URL's kept answers " +
            "(--auth-url-cache).", c.cacheHits.get());
        counter(out, "mist_auth_url_joined_total", "Token checks that waited for a request already under way for " +
            "the same token.", c.joined.get());
        header(out, "mist_auth_url_answers_total", "The auth URL's answers: allowed (2xx) or denied (any other " +
            "status under 500).", "counter");
        out.append("mist_auth_url_answers_total{answer=\"allowed\"} ").append(c.allowed.get()).append('\n');
        out.append("mist_auth_url_answers_total{answer=\"denied\"} ").append(c.denied.get()).append('\n');
        header(out, "mist_auth_url_failures_total", "Tokens refused because the auth URL could not decide, by " +
            "reason.", "counter");
        final String[] reasons = {"timeout", "unreachable", "server_error", "bad_answer"};
        final long[] values = {c.timeouts.get(), c.unreachable.get(), c.serverErrors.get(), c.badAnswers.get()};
        for (int i = 0; i < reasons.length; i++)
        {
            out.append("mist_auth_url_failures_total{reason=\"").append(reasons[i]).append("\"} ").append(values[i])
                .append('\n');
        }
        gauge(out, "mist_auth_url_cached_tokens", "Tokens whose auth URL answer is kept now.", url.cached());
    }

    private static void cluster(final StringBuilder out, final ClusterNode node)
    {
        final ClusterCounters c = node.counters();
        gauge(out, "mist_cluster_connected", "1 while this node reaches NATS, else 0 (messages for other nodes are " +
            "then dropped).", node.connected() ? 1 : 0);
        gauge(out, "mist_cluster_nodes", "Other nodes of the cluster this node knows.", c.peers.get());
        counter(out, "mist_cluster_messages_out_total", "Messages sent to other nodes (one per node a publish went " +
            "to).", c.messagesOut.get());
        counter(out, "mist_cluster_bytes_out_total", "Bytes of messages sent to other nodes.", c.bytesOut.get());
        counter(out, "mist_cluster_messages_in_total", "Messages other nodes sent to this one.", c.messagesIn.get());
        counter(out, "mist_cluster_bytes_in_total", "Bytes of messages other nodes sent to this one.",
            c.bytesIn.get());
        counter(out, "mist_cluster_messages_dropped_total", "Messages for other nodes dropped on this node (NATS " +
            "unreachable, or the forward queue full), one per node.", c.droppedOut.get());
        gauge(out, "mist_cluster_interest_entries", "Tags other nodes' subscriptions are filed under, summed over " +
            "the nodes: what this node forwards by.", c.remoteInterest.get());
        gauge(out, "mist_cluster_local_interest_entries", "Tags this node's subscriptions are filed under, as " +
            "announced to the others.", c.localInterest.get());
        counter(out, "mist_cluster_interest_updates_total", "Interest announcements received from other nodes.",
            c.interestUpdates.get());
        counter(out, "mist_cluster_disconnects_total", "Times this node lost NATS.", c.disconnects.get());
    }

    /** Prometheus text exposition format 0.0.4. */
    public String prometheus()
    {
        final EngineCounters counters = engine.counters();
        final StringBuilder out = new StringBuilder(4096);
        header(out, "mist_uptime_seconds", "Seconds since the server started (rates from two scrapes divide by its " +
            "difference).", "gauge");
        out.append("mist_uptime_seconds ").append(String.format(java.util.Locale.ROOT, "%.3f",
            (System.nanoTime() - started) / NANOS_PER_SECOND)).append('\n');
        counter(out, "mist_messages_published_total", "Publishes that reached the matcher.",
            counters.messagesPublished.get());
        counter(out, "mist_messages_delivered_total", "Copies of messages enqueued for subscribers.",
            counters.messagesDelivered.get());
        counter(out, "mist_messages_dropped_total",
            "Copies of messages dropped because a subscriber's outbound ring was full.", counters.clientDropped.get());
        counter(out, "mist_inbound_ring_full_total", "Times a connection found the inbound ring full and stopped " +
            "reading until the matcher made room (each retry counts).", counters.inboundRingFull.get());
        gauge(out, "mist_inbound_payload_bytes", "Bytes of arrays that requests of 4 KiB or more hold on their way " +
            "to the matcher (up to --inbound-buffer-size, plus one request per IO thread).",
            engine.payloadPool().lentBytes());
        counter(out, "mist_inbound_buffer_full_total", "Times a connection found --inbound-buffer-size reached and " +
            "stopped reading until the matcher caught up (each retry counts).", counters.inboundBufferFull.get());
        counter(out, "mist_inbound_payload_allocations_total", "Arrays allocated for requests of 4 KiB or more on " +
            "their way to the matcher because the payload pool had none of the size idle; flat once traffic of a " +
            "size has warmed it.", counters.inboundPayloadAllocations.get());
        gauge(out, "mist_inbound_payload_pool_bytes", "Bytes of payload arrays idle in the pool, ready for large " +
            "requests (at most 8 MiB per power-of-two size from 4 KiB to 1 MiB).", engine.payloadPool().idleBytes());
        gauge(out, "mist_outbound_shared_bytes", "Bytes of arrays that messages of 4 KiB or more hold, one copy " +
            "for all their subscribers, until each has them written (made while these and mist_inbound_payload_bytes " +
            "stay within --inbound-buffer-size; beyond it messages are copied into each subscriber's ring).", engine.payloadPool().sharedBytes());
        counter(out, "mist_connections_opened_total", "Client connections opened since start.",
            counters.connectionsOpened.get());
        header(out, "mist_connections_refused_total", "New connections refused before they were served, by why: " +
            "--max-connections, --max-connections-per-ip, or no direct memory for the client's first ring (also " +
            "WebSocket upgrades).", "counter");
        out.append("mist_connections_refused_total{reason=\"max_connections\"} ")
            .append(counters.refusedOverConnectionLimit.get()).append('\n');
        out.append("mist_connections_refused_total{reason=\"max_connections_per_ip\"} ")
            .append(counters.refusedOverAddressLimit.get()).append('\n');
        out.append("mist_connections_refused_total{reason=\"memory\"} ")
            .append(counters.refusedOutOfMemory.get()).append('\n');
        counter(out, "mist_connection_errors_total",
            "Connections closed after an unexpected server error (a bug; each is logged at WARN with its stack).",
            counters.connectionErrors.get());
        gauge(out, "mist_connections", "Client connections open (opened minus those whose disconnect was handled).",
            openConnections(counters));
        header(out, "mist_listener_connections", "Sockets open on each listener, including HTTP requests.", "gauge");
        for (final Map.Entry<String, Integer> listener : listenerConnections.get().entrySet())
        {
            out.append("mist_listener_connections{listener=\"").append(escape(listener.getKey())).append("\"} ")
                .append(listener.getValue()).append('\n');
        }
        gauge(out, "mist_subscriptions", "Subscriptions held by all clients.", counters.subscriptions.get());
        gauge(out, "mist_client_ring_bytes", "Outbound ring memory held for all clients (each starts at 16 KiB and " +
            "grows up to --client-buffer-size).", ringBytes.getAsLong());
        gauge(out, "mist_client_pending_write_bytes", "Bytes handed to Netty for client sockets but not yet written " +
            "to the kernel (bounded per socket by the write watermark).", pendingWriteBytes.getAsLong());
        final long failures = authFailures.getAsLong();
        if (failures >= 0)
        {
            counter(out, "mist_auth_failures_total", "Connections refused for a missing or wrong token, or one the " +
                "auth URL refused or could not decide.", failures);
        }
        final AuthUrl url = authUrl;
        if (url != null)
        {
            authUrl(out, url);
        }
        final RetentionStore store = retention;
        if (store != null)
        {
            retention(out, store);
        }
        if (cluster != null)
        {
            cluster(out, cluster);
        }
        if (engine.metrics().enabled())
        {
            for (final LatencyStage stage : engine.metrics().stages())
            {
                summary(out, stage);
            }
        }
        return out.toString();
    }

    /**
     * The stats log line: totals with rates since {@code previous} (null on the first line), then per stage the
     * window's p50/p99/p99.9/max in microseconds.
     */
    public String statsLine(final Totals now, final Totals previous)
    {
        final StringBuilder line = new StringBuilder(256).append("stats:");
        final double seconds = previous == null ? 0 : (now.atNanos - previous.atNanos) / NANOS_PER_SECOND;
        total(line, " published", now.published, previous == null ? -1 : previous.published, seconds);
        total(line, ", delivered", now.delivered, previous == null ? -1 : previous.delivered, seconds);
        line.append(", dropped ").append(now.dropped);
        line.append(", connections ").append(now.connections);
        line.append(", subscriptions ").append(now.subscriptions);
        if (engine.metrics().enabled())
        {
            line.append("; latency p50/p99/p99.9/max us (last minute):");
            for (final LatencyStage stage : engine.metrics().stages())
            {
                final LatencySnapshot s = stage.snapshot();
                line.append(' ').append(stage.name()).append(' ').append(micros(s.p50())).append('/')
                    .append(micros(s.p99())).append('/').append(micros(s.p999())).append('/').append(micros(s.max()));
            }
        }
        return line.toString();
    }

    /** The counters at this moment, for {@link #statsLine}. */
    public Totals totals()
    {
        final EngineCounters counters = engine.counters();
        return new Totals(System.nanoTime(), counters.messagesPublished.get(), counters.messagesDelivered.get(),
            counters.clientDropped.get(), openConnections(counters), counters.subscriptions.get());
    }

    /** Counter values at one moment. */
    public record Totals(long atNanos, long published, long delivered, long dropped, long connections,
        long subscriptions)
    {
    }

    private static long openConnections(final EngineCounters counters)
    {
        return Math.max(0, counters.connectionsOpened.get() - counters.connectionsClosed.get());
    }

    private static void total(final StringBuilder line, final String name, final long value, final long before,
        final double seconds)
    {
        line.append(name).append(' ').append(value);
        if (before >= 0 && seconds > 0)
        {
            line.append(" (").append(String.format(Locale.ROOT, "%.1f", (value - before) / seconds)).append("/s)");
        }
    }

    private static String micros(final long nanos)
    {
        return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
    }

    private static void summary(final StringBuilder out, final LatencyStage stage)
    {
        final String name = "mist_latency_" + stage.name() + "_seconds";
        header(out, name, stage.help() + " Quantiles over the last minute; count and sum since start.", "summary");
        final LatencySnapshot s = stage.snapshot();
        final long[] values = {s.p50(), s.p90(), s.p99(), s.p999(), s.p9999(), s.max()};
        for (int i = 0; i < QUANTILES.length; i++)
        {
            out.append(name).append("{quantile=\"").append(QUANTILES[i]).append("\"} ")
                .append(seconds(values[i])).append('\n');
        }
        out.append(name).append("_sum ").append(seconds(s.sumNanos())).append('\n');
        out.append(name).append("_count ").append(s.count()).append('\n');
    }

    private static String seconds(final long nanos)
    {
        return Double.toString(nanos / NANOS_PER_SECOND);
    }

    private static void counter(final StringBuilder out, final String name, final String help, final long value)
    {
        sample(out, name, help, "counter", value);
    }

    private static void gauge(final StringBuilder out, final String name, final String help, final long value)
    {
        sample(out, name, help, "gauge", value);
    }

    private static void sample(final StringBuilder out, final String name, final String help, final String type,
        final long value)
    {
        header(out, name, help, type);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void header(final StringBuilder out, final String name, final String help, final String type)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String escape(final String label)
    {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
