package io.mist.server.metrics;

import io.mist.engine.metrics.LatencyStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code mist-metrics} thread: advances the latency histograms' sliding window every
 * {@link LatencyStage#SLOT_NANOS}, and logs {@link ServerMetrics#statsLine} every {@code --stats-interval} when set.
 * Started and closed by the server.
 */
public final class MetricsMaintenance implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger("mist");

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable ->
    {
        final Thread t = new Thread(runnable, "mist-metrics");
        t.setDaemon(true);
        return t;
    });
    private ServerMetrics.Totals previous;

    public MetricsMaintenance(final ServerMetrics metrics, final io.mist.engine.metrics.EngineMetrics latencies,
        final Duration statsInterval)
    {
        if (latencies.enabled())
        {
            thread.scheduleAtFixedRate(() -> guarded(latencies::rotate), LatencyStage.SLOT_NANOS,
                LatencyStage.SLOT_NANOS, TimeUnit.NANOSECONDS);
        }
        if (!statsInterval.isZero())
        {
            final long nanos = statsInterval.toNanos();
            thread.scheduleAtFixedRate(() -> guarded(() ->
            {
                final ServerMetrics.Totals now = metrics.totals();
                LOG.info(metrics.statsLine(now, previous));
                previous = now;
            }), nanos, nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A failure is logged, and the schedule goes on (an exception would cancel it). */
    private static void guarded(final Runnable task)
    {
        try
        {
            task.run();
        }
        catch (final RuntimeException ex)
        {
            LOG.error("Metrics maintenance failed", ex);
        }
    }

    @Override
    public void close()
    {
        thread.shutdownNow();
    }
}
