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

        @Option(names = "--brokers", split = ",", paramLabel = "NAME", defaultValue = "mist,nats,redis",
            description = "Which brokers to run, in order. Default: ${DEFAULT-VALUE}.")
        List<String> brokers = new ArrayList<>();

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "perf-results",
            description = "Where result files go. Default: ${DEFAULT-VALUE}.")
        Path out;

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
                        final InetSocketAddress address = ServerTarget.address(redis);
                        list.add(new RedisBroker(address.getHostString(), address.getPort()));
                        break;
                    default:
                        throw new IllegalArgumentException("--brokers: unknown broker '" + name +
                            "' (mist, nats, redis)");
                }
            }
            return list;
        }
    }

    /** Runs {@code spec} against each broker in turn; a broker that fails or cannot be reached is reported as such. */
    static List<RunResult> runAll(final List<Broker> brokers, final RunSpec spec)
    {
        final List<RunResult> results = new ArrayList<>();
        for (final Broker broker : brokers)
        {
            try
            {
                results.add(new LoadRun(broker, spec).run());
            }
            catch (final Exception ex)
            {
                results.add(RunResult.skipped(broker.name(), "failed: " + ex));
            }
        }
        return results;
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
            final RunSpec spec = new RunSpec(Scenario.parse(scenario),
                RunSpec.Mode.valueOf(mode.trim().toUpperCase(java.util.Locale.ROOT)), connections, payload,
                seconds(warmup), seconds(duration), rate, subscriptions, vocabulary, window, seed);
            final List<RunResult> results = runAll(endpoints.brokers(), spec);
            System.out.print(Reports.console(spec, results));
            final String command = "mist-bench run " +
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
