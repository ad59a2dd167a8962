package io.mist.bench.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code mist-bench stall}: what one subscriber that stops reading costs the others. Runs mist's fan-out throughput
 * scenario in pairs, without and then with an extra subscriber on the same tag that never reads its socket, and
 * reports the other subscribers' delivered rate in each, their ratio, the stalled subscriber's drops (from
 * {@code /metrics}) and the server's resident memory. Loopback only, bounded by the runs' durations. Main thread.
 */
@Command(name = "stall", mixinStandardHelpOptions = true,
    description = "Fan-out throughput without and with one subscriber that never reads; the others' ratio.")
public final class StallCommand implements Callable<Integer>
{
    @CommandLine.Mixin
    ServerTarget server = new ServerTarget();

    @Option(names = "--connections", defaultValue = "4", description = "Reading subscribers. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--pairs", defaultValue = "3", description = "Runs without and with, alternating. Default: ${DEFAULT-VALUE}.")
    int pairs;

    @Option(names = "--duration", defaultValue = "8", description = "Seconds measured per run. Default: ${DEFAULT-VALUE}.")
    double duration;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new StallCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final InetSocketAddress address = server.tcpAddress();
        final ServerProbe probe = server.probe();
        final MistBroker broker = new MistBroker(address);
        final RunSpec spec = new RunSpec(Scenario.FANOUT, RunSpec.Mode.THROUGHPUT, connections, 128,
            Duration.ofSeconds(2), Duration.ofMillis((long)(duration * 1000)), 0, 0, 0, 0, 7);
        final List<Double> ratios = new ArrayList<>();
        for (int pair = 1; pair <= pairs; pair++)
        {
            final RunResult alone = new LoadRun(broker, spec).run();
            final double droppedBefore = probe.metric("mist_messages_dropped_total");
            final RunResult stalled;
            try (Socket stall = new Socket())
            {
                stall.setReceiveBufferSize(4096);
                stall.connect(address, 5000);
                final OutputStream out = stall.getOutputStream();
                out.write(("{\"command\":\"subscribe\",\"tags\":[\"" + Scenario.TAG + "\"]}\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                stalled = new LoadRun(broker, spec).run();
                final double dropped = probe.metric("mist_messages_dropped_total") - droppedBefore;
                final double ratio = stalled.delivered() / alone.delivered();
                ratios.add(ratio);
                System.out.printf(Locale.ROOT, "pair %d: %s deliveries/s to %d readers alone, %s with a stalled " +
                    "subscriber (%.2f×); lost by readers: %d, %d; dropped for the stalled one: %.0f; server RSS %s%n",
                    pair, Charts.formatRate(alone.delivered()), connections, Charts.formatRate(stalled.delivered()),
                    ratio, alone.lost(), stalled.lost(), dropped, ServerProbe.mib(probe.residentBytes()));
            }
        }
        ratios.sort(null);
        final int middle = ratios.size() / 2;
        final double median = ratios.size() % 2 == 1 ? ratios.get(middle) :
            (ratios.get(middle - 1) + ratios.get(middle)) / 2;
        System.out.printf(Locale.ROOT, "median ratio with a stalled subscriber: %.2f× (of %d pairs, %.2f× to %.2f×)%n",
            median, ratios.size(), ratios.get(0), ratios.get(ratios.size() - 1));
        return 0;
    }
}
