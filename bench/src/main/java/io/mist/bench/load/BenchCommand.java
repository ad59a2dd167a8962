package io.mist.bench.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mist-bench}: the load harness. {@code run} runs one scenario against the chosen brokers, one after another
 * and with the same parameters; {@code suite} runs the set behind {@code bench/run-all} and writes the summary table.
 * Main thread.
 */
@Command(name = "mist-bench", mixinStandardHelpOptions = true,
    subcommands = {BenchCommand.Run.class, Suite.class, HoldCommand.class, ChurnCommand.class,
        StallCommand.class},
    description = "Load harness: mist beside nats-server and Redis pub/sub, same scenario, same run.")
public final class BenchCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Where the brokers are; shared by both subcommands. */
    static final class Endpoints
    {
        @Option(names = "--mist", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:1445",
            description = "mist's TCP listener. Default: ${DEFAULT-VALUE}.")
        String mist;

        @Option(names = "--nats", paramLabel = "URL", defaultValue = "nats://127.0.0.1:4222",
            description = "nats-server. Default: ${DEFAULT-VALUE}.")
        String nats;

        @Option(names = "--redis", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:6379",
            description = "Redis. Default: ${DEFAULT-VALUE}.")
        String redis;

        @Option(names = "--mist-cluster", split = ",", paramLabel = "HOST:PORT",
            description = "For the broker mist-cluster: the TCP listeners of a mist cluster's nodes, the publishers' " +
                "node first; subscribers go to the others in turn.")
        List<String> mistCluster = new ArrayList<>();

        @Option(names = "--mist-cluster-metrics", paramLabel = "URL",
            description = "For the broker mist-cluster: the publishers' node's /metrics (to wait for the " +
                "subscribers' interest to reach it).")
        String mistClusterMetrics;

        @Option(names = "--brokers", split = ",", paramLabel = "NAME", defaultValue = "mist,nats,redis",
            description = "Which brokers to run, in order: mist, nats, redis, mist-cluster. " +
                "Default: ${DEFAULT-VALUE}.")
        List<String> brokers = new ArrayList<>();

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench/target/results",
            description = "Where result files go. Default: ${DEFAULT-VALUE} (the committed perf-results/ only when " +
                "asked for).")
        Path out;

        @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds per scenario, the brokers alternating within each; figures are the medians, " +
                "each round's beside them (by round). Default: ${DEFAULT-VALUE}.")
        int rounds;

        @Option(names = "--pin", description = "Pin each broker's process to CPU 0 and this harness to the other " +
            "CPUs for the runs (taskset; Linux), then give each thread back the CPUs it had.")
        boolean pin;

        /** Pins the brokers found on this machine and the harness, when --pin asks; close to undo. */
        AutoCloseable pinning(final List<Broker> list) throws Exception
        {
            if (!pin)
            {
                return () ->
                {
                };
            }
            if (Runtime.getRuntime().availableProcessors() < 2)
            {
                throw new IllegalArgumentException("--pin needs at least 2 CPUs");
            }
            // Each process's threads' own affinities, read before any pinning (the JVM counts only the CPUs it may
            // use).
            final java.util.Map<Long, java.util.Map<Long, String>> before = new java.util.LinkedHashMap<>();
            for (final Broker broker : list)
            {
                final BrokerProcess process = BrokerProcess.listeningOn(broker.address().getPort());
                if (process == null)
                {
                    throw new IllegalArgumentException("--pin: no process of this machine listens on " +
                        broker.name() + "'s port " + broker.address().getPort());
                }
                before.put(process.pid(), BrokerProcess.threadAffinities(process.pid()));
            }
            final long self = ProcessHandle.current().pid();
            before.put(self, BrokerProcess.threadAffinities(self));
            final String others = "1-" + (Runtime.getRuntime().availableProcessors() - 1);
            for (final long pid : before.keySet())
            {
                BrokerProcess.pin(pid, pid == self ? others : "0");
            }
            System.out.println("pinned " + list.size() + " broker(s) to CPU 0, the harness to the others");
            return () ->
            {
                for (final java.util.Map.Entry<Long, java.util.Map<Long, String>> process : before.entrySet())
                {
                    BrokerProcess.restore(process.getKey(), process.getValue());
                }
            };
        }

        List<Broker> brokers()
        {
            final List<Broker> list = new ArrayList<>();
            for (final String name : brokers)
            {
                switch (name.trim())
                {
                    case "mist":
                        list.add(new MistBroker(ServerTarget.address(mist)));
                        break;
                    case "nats":
                        list.add(new NatsBroker(nats));
                        break;
                    case "redis":
                        list.add(new RedisBroker(ServerTarget.address(redis)));
                        break;
                    case MistClusterBroker.NAME:
                        if (mistClusterMetrics == null)
                        {
                            throw new IllegalArgumentException("--brokers mist-cluster needs --mist-cluster and " +
                                "--mist-cluster-metrics");
                        }
                        list.add(new MistClusterBroker(mistCluster.stream().map(ServerTarget::address).toList(),
                            java.net.URI.create(mistClusterMetrics)));
                        break;
                    default:
                        throw new IllegalArgumentException("--brokers: unknown broker '" + name +
                            "' (mist, nats, redis, mist-cluster)");
                }
            }
            return list;
        }
    }

    /** Runs {@code spec} against each broker in turn; a broker that fails or cannot be reached is reported as such. */
    static List<RunResult> runAll(final List<Broker> brokers, final RunSpec spec)
    {
        return runAll(brokers, spec, 1);
    }

    /**
     * Runs {@code spec} {@code rounds} times, each round against every broker in turn (so slow drifts of the machine
     * touch every broker alike), and returns each broker's {@link RunResult#median}. A broker that fails or cannot be
     * reached is reported as such; a scenario a broker refuses ({@link ScenarioRefused}) stops everything.
     */
    static List<RunResult> runAll(final List<Broker> brokers, final RunSpec spec, final int rounds)
    {
        if (rounds < 1)
        {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        final List<List<RunResult>> byBroker = new ArrayList<>();
        for (int b = 0; b < brokers.size(); b++)
        {
            byBroker.add(new ArrayList<>());
        }
        for (final Broker broker : brokers)
        {
            prime(broker, spec);
        }
        for (int round = 0; round < rounds; round++)
        {
            for (int b = 0; b < brokers.size(); b++)
            {
                final Broker broker = brokers.get(b);
                try
                {
                    byBroker.get(b).add(new LoadRun(broker, spec).run());
                }
                catch (final ScenarioRefused refused)
                {
                    throw refused;
                }
                catch (final Exception ex)
                {
                    byBroker.get(b).add(RunResult.skipped(broker.name(), "failed: " + ex));
                }
            }
        }
        final List<RunResult> results = new ArrayList<>();
        for (final List<RunResult> brokerRounds : byBroker)
        {
            results.add(RunResult.median(brokerRounds));
        }
        return results;
    }

    /**
     * Runs {@link RunSpec#primer()} against {@code broker}, unmeasured, so that every broker's first measured round
     * starts with the harness's clients compiled. Its failures are left to the measured runs to report.
     */
    private static void prime(final Broker broker, final RunSpec spec)
    {
        try
        {
            new LoadRun(broker, spec.primer()).run();
        }
        catch (final Exception ignored)
        {
            // the measured run meets the same cause and reports it (or stops on a refused scenario)
        }
    }

    /**
     * Says so when the thin clients find line ends a word at a time: mist's clients then cost the harness more than
     * they need to (Go's find them with SIMD), which on shared cores lowers mist's figures.
     */
    static void noteLineSearch()
    {
        if (ThinClient.searchLanes() <= Long.BYTES)
        {
            System.err.println("note: the harness finds line ends 8 bytes at a time; start it with java --add-modules "
                + "jdk.incubator.vector (as bench/run-all does) to search a vector at a time, as mist's Go clients do");
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one scenario against each broker and write its results.")
    static final class Run implements Callable<Integer>
    {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec self;

        @CommandLine.Mixin
        Endpoints endpoints = new Endpoints();

        @Option(names = "--scenario", defaultValue = "fanout", description = "fanout, fanin or match. Default: ${DEFAULT-VALUE}.")
        String scenario;

        @Option(names = "--mode", defaultValue = "throughput",
            description = "throughput or latency (needs --rate). Default: ${DEFAULT-VALUE}.")
        String mode;

        @Option(names = "--connections", defaultValue = "4",
            description = "Subscribers (fanout, match) or publishers (fanin). Default: ${DEFAULT-VALUE}.")
        int connections;

        @Option(names = "--payload", defaultValue = "128", description = "Payload bytes, 16 to 16384. Default: ${DEFAULT-VALUE}.")
        int payload;

        @Option(names = "--warmup", defaultValue = "2", description = "Seconds sent before measuring. Default: ${DEFAULT-VALUE}.")
        double warmup;

        @Option(names = "--duration", defaultValue = "8", description = "Seconds measured. Default: ${DEFAULT-VALUE}.")
        double duration;

        @Option(names = "--rate", defaultValue = "0", description = "Latency mode: messages per second, all publishers together.")
        long rate;

        @Option(names = "--subscriptions", defaultValue = "10000", description = "match: subscriptions in all. Default: ${DEFAULT-VALUE}.")
        int subscriptions;

        @Option(names = "--vocabulary", defaultValue = "1000", description = "match: distinct tags. Default: ${DEFAULT-VALUE}.")
        int vocabulary;

        @Option(names = "--window", defaultValue = "0",
            description = "Throughput mode: deliveries outstanding per subscriber before publishers wait; 0: automatic.")
        int window;

        @Option(names = "--seed", defaultValue = "7", description = "match: random seed. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Override
        public Integer call() throws Exception
        {
            noteLineSearch();
            final RunSpec spec = new RunSpec(Scenario.parse(scenario),
                RunSpec.Mode.valueOf(mode.trim().toUpperCase(java.util.Locale.ROOT)), connections, payload,
                seconds(warmup), seconds(duration), rate, subscriptions, vocabulary, window, seed);
            final List<Broker> brokers = endpoints.brokers();
            final List<RunResult> results;
            try (AutoCloseable pinned = endpoints.pinning(brokers))
            {
                results = runAll(brokers, spec, endpoints.rounds);
            }
            catch (final ScenarioRefused refused)
            {
                System.err.println(refused.getMessage());
                return 2;
            }
            System.out.print(Reports.console(spec, results));
            final String command = "mist-bench " + // the original arguments start with "run"
                String.join(" ", self.commandLine().getParseResult().originalArgs());
            for (final Path file : Reports.write(endpoints.out, LocalDate.now(), spec, results, command))
            {
                System.out.println("wrote " + file);
            }
            return 0;
        }
    }

    static Duration seconds(final double seconds)
    {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
