package io.mist.bench.load;

import java.time.Duration;

/**
 * The parameters of one run, the same for every broker in it.
 *
 * @param scenario what is subscribed and sent.
 * @param mode {@code THROUGHPUT} (publish as fast as the window allows) or {@code LATENCY} (a fixed rate).
 * @param connections subscribers (fan-out, match) or publishers (fan-in).
 * @param payload message payload in bytes (16 B to 16 KiB).
 * @param warmup sent but not measured.
 * @param duration measured.
 * @param rate latency mode: messages per second from all publishers together.
 * @param subscriptions match: subscriptions over all connections.
 * @param vocabulary match: distinct tags drawn from.
 * @param window throughput mode: deliveries outstanding (sent, not yet received) per subscriber connection before a
 *     publisher waits; 0 picks {@code min(8192, 512 KiB / (payload + 64))}, below what mist's default 1 MiB client
 *     ring holds, so the run measures delivery rather than dropping.
 * @param seed match: the random draw of subscriptions and messages.
 */
public record RunSpec(Scenario scenario, Mode mode, int connections, int payload, Duration warmup, Duration duration,
    long rate, int subscriptions, int vocabulary, int window, long seed)
{
    /** How publishers send. */
    public enum Mode
    {
        THROUGHPUT, LATENCY;

        public String label()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public RunSpec
    {
        if (connections < 1)
        {
            throw new IllegalArgumentException("--connections must be at least 1, got " + connections);
        }
        if (payload < Payloads.MIN_SIZE || payload > 16 * 1024)
        {
            throw new IllegalArgumentException("--payload must be 16 to 16384 bytes, got " + payload);
        }
        if (mode == Mode.LATENCY && rate < 1)
        {
            throw new IllegalArgumentException("latency mode needs --rate (messages per second), got " + rate);
        }
        if (scenario == Scenario.MATCH && (subscriptions < 1 || vocabulary < 8))
        {
            throw new IllegalArgumentException("match needs --subscriptions >= 1 and --vocabulary >= 8");
        }
        if (window < 0)
        {
            throw new IllegalArgumentException("--window must be 0 (automatic) or more, got " + window);
        }
    }

    /** Connections of a {@link #primer()} run at most. */
    static final int PRIMER_CONNECTIONS = 2;
    /** How long a {@link #primer()} run sends at most. */
    static final Duration PRIMER_LENGTH = Duration.ofSeconds(1);

    /**
     * A short unmeasured run before the measured ones: the same traffic on at most {@link #PRIMER_CONNECTIONS}
     * connections (a match run keeps its subscriptions per connection), for up to {@link #PRIMER_LENGTH}, so that the
     * harness's own client code is compiled while few of its threads compete with the JIT compiler. With one reader
     * thread per connection, 100 of them left the compiler so little CPU that a run's first seconds were read by
     * interpreted clients burning both cores while the broker idled.
     */
    public RunSpec primer()
    {
        final int primed = Math.min(connections, PRIMER_CONNECTIONS);
        final int primedSubscriptions = scenario == Scenario.MATCH ?
            (int)Math.max(1, (long)subscriptions * primed / connections) : subscriptions;
        final Duration length = warmup.plus(duration).compareTo(PRIMER_LENGTH) < 0 ? warmup.plus(duration) :
            PRIMER_LENGTH;
        return new RunSpec(scenario, mode, primed, payload, Duration.ZERO, length, rate, primedSubscriptions,
            vocabulary, window, seed);
    }

    /** The window per subscriber connection in deliveries. */
    public int effectiveWindow()
    {
        return window > 0 ? window : Math.max(16, Math.min(8192, 512 * 1024 / (payload + 64)));
    }

    /** A short name for files: {@code fanout-throughput-4c-128b}. */
    public String slug()
    {
        return scenario.label() + "-" + mode.label() + "-" + connections + "c-" + payload + "b";
    }
}
