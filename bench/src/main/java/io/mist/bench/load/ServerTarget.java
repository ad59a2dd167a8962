package io.mist.bench.load;

import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The running mist the robustness harnesses ({@code hold}, {@code churn}, {@code stall}) work against: its TCP
 * listener, its {@code /metrics}, and optionally its process id for memory and threads. A picocli mixin.
 */
final class ServerTarget
{
    @Option(names = "--tcp", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:1445",
        description = "mist's TCP listener. Default: ${DEFAULT-VALUE}.")
    String tcp;

    @Option(names = "--metrics", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080/metrics",
        description = "mist's /metrics. Default: ${DEFAULT-VALUE}.")
    String metrics;

    @Option(names = "--server-pid", paramLabel = "PID", defaultValue = "0",
        description = "The server's process id, to read its memory and threads from /proc; 0: not read.")
    long serverPid;

    InetSocketAddress tcpAddress()
    {
        return address(tcp);
    }

    ServerProbe probe()
    {
        return new ServerProbe(URI.create(metrics), serverPid);
    }

    /** {@code HOST:PORT} (an IPv6 host in brackets) as an address; a clear error otherwise. */
    static InetSocketAddress address(final String hostPort)
    {
        final int colon = hostPort.lastIndexOf(':');
        if (colon < 0)
        {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + hostPort + "'");
        }
        return new InetSocketAddress(hostPort.substring(0, colon).replace("[", "").replace("]", ""),
            Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
