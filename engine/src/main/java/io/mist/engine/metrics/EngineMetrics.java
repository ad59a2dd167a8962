package io.mist.engine.metrics;

import java.util.List;

/**
 * The data path's latency histograms, one per stage a published message passes through inside the server. Stages
 * do not overlap; together they span from the IO thread's decode to the bytes being handed to the socket:
 * <ol>
 *   <li>{@link #ingressToMatcher}: decoded on an IO thread → taken up by the matcher (time in the inbound ring);
 *   over TCP, the publishes of one socket read share the decode time of its first, so a later one also counts the
 *   time the IO thread spent on those before it; recorded by the matcher thread;</li>
 *   <li>{@link #matcherToEnqueued}: taken up by the matcher → enqueued on every receiver's outbound ring; matcher
 *   thread;</li>
 *   <li>{@link #enqueuedToWritten}: on a client's outbound ring → drained and written to the client's socket
 *   (counted per delivered frame); IO threads.</li>
 * </ol>
 * When disabled ({@code --no-latency-histograms}) nothing records, and the clock is not read on the hot path.
 */
public final class EngineMetrics
{
    private final boolean enabled;
    private final LatencyStage ingressToMatcher = new LatencyStage("ingress_to_matcher",
        "Publish decoded on an IO thread (over TCP: the first publish of its socket read) until the matcher takes it " +
            "up (time in the inbound ring).");
    private final LatencyStage matcherToEnqueued = new LatencyStage("matcher_to_enqueued",
        "Publish taken up by the matcher until it is enqueued on every receiver's outbound ring.");
    private final LatencyStage enqueuedToWritten = new LatencyStage("enqueued_to_written",
        "Frame enqueued on a client's outbound ring until its IO thread writes it to the socket.");

    public EngineMetrics(final boolean enabled)
    {
        this.enabled = enabled;
    }

    /** Whether latencies are recorded. */
    public boolean enabled()
    {
        return enabled;
    }

    public LatencyStage ingressToMatcher()
    {
        return ingressToMatcher;
    }

    public LatencyStage matcherToEnqueued()
    {
        return matcherToEnqueued;
    }

    public LatencyStage enqueuedToWritten()
    {
        return enqueuedToWritten;
    }

    /** The stages in data-path order. */
    public List<LatencyStage> stages()
    {
        return List.of(ingressToMatcher, matcherToEnqueued, enqueuedToWritten);
    }

    /** Maintenance thread, every {@link LatencyStage#SLOT_NANOS}: advances every stage's sliding window. */
    public void rotate()
    {
        for (final LatencyStage stage : stages())
        {
            stage.rotate();
        }
    }
}
