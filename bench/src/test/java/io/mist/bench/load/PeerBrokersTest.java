package io.mist.bench.load;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The thin peer clients against the real nats-server (127.0.0.1:4222) and Redis (127.0.0.1:6379): every delivery of
 * fan-out and fan-in counted once, latency recorded, the broker's CPU read from its process. Counts only. Skipped
 * with a message where a peer is not running, except under {@code CI=true}, where the peers must be there.
 */
class PeerBrokersTest
{
    private static final RunSpec FANOUT = new RunSpec(Scenario.FANOUT, RunSpec.Mode.THROUGHPUT, 2, 64,
        Duration.ofMillis(100), Duration.ofMillis(500), 0, 0, 0, 0, 1);
    private static final RunSpec FANIN = new RunSpec(Scenario.FANIN, RunSpec.Mode.THROUGHPUT, 3, 1000,
        Duration.ofMillis(100), Duration.ofMillis(500), 0, 0, 0, 0, 1);
    private static final RunSpec LATENCY = new RunSpec(Scenario.FANOUT, RunSpec.Mode.LATENCY, 2, 64,
        Duration.ofMillis(100), Duration.ofMillis(500), 1_000, 0, 0, 0, 1);

    @Test
    void nats() throws Exception
    {
        requirePeer("nats-server", 4222);
        check(new NatsBroker("nats://127.0.0.1:4222"));
    }

    @Test
    void redis() throws Exception
    {
        requirePeer("Redis", 6379);
        check(new RedisBroker(new InetSocketAddress("127.0.0.1", 6379)));
    }

    private static void check(final Broker broker) throws Exception
    {
        final RunResult throughput = new LoadRun(broker, FANOUT).run();
        assertTrue(throughput.sent() > 0);
        assertEquals(2 * throughput.sent(), throughput.expected());
        assertEquals(throughput.expected(), throughput.received(), broker.name() + " lost deliveries");
        assertTrue(throughput.brokerCpu() > 0, broker.name() + "'s process and CPU time were found");
        final RunResult fanin = new LoadRun(broker, FANIN).run();
        assertEquals(fanin.sent(), fanin.expected());
        assertEquals(fanin.expected(), fanin.received(), broker.name() + " lost fan-in deliveries");
        final RunResult latency = new LoadRun(broker, LATENCY).run();
        assertEquals(latency.expected(), latency.received());
        assertTrue(Math.abs(latency.latency().getTotalCount() - 2 * 500) <= 4,
            "recorded " + latency.latency().getTotalCount());
    }

    private static void requirePeer(final String name, final int port)
    {
        boolean up;
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            up = true;
        }
        catch (final Exception ex)
        {
            up = false;
        }
        if (!up && "true".equals(System.getenv("CI")))
        {
            throw new AssertionError(name + " is not running on 127.0.0.1:" + port + " (required under CI=true)");
        }
        assumeTrue(up, name + " is not running on 127.0.0.1:" + port + "; skipping its harness test");
    }
}
