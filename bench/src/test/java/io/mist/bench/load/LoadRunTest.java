package io.mist.bench.load;

import io.mist.server.MistServer;
import io.mist.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness against a real mist server in this JVM: every message sent is counted once per receiver, and the
 * server's own counters agree with the harness's. No speed is asserted.
 */
class LoadRunTest
{
    private static MistServer server;
    private static Broker mist;

    @BeforeAll
    static void start() throws Exception
    {
        server = new MistServer(ServerConfig.withListeners("tcp://127.0.0.1:0")).start();
        mist = new MistBroker(server.firstAddress("tcp"));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static RunSpec spec(final Scenario scenario, final RunSpec.Mode mode, final int connections,
        final long rate)
    {
        return new RunSpec(scenario, mode, connections, 64, Duration.ofMillis(200), Duration.ofMillis(800), rate,
            200, 30, 0, 3);
    }

    @Test
    void fanOutThroughputCountsEveryDeliveryAndAgreesWithTheServer() throws Exception
    {
        final long publishedBefore = server.engine().counters().messagesPublished.get();
        final long deliveredBefore = server.engine().counters().messagesDelivered.get();
        final RunResult result = new LoadRun(mist, spec(Scenario.FANOUT, RunSpec.Mode.THROUGHPUT, 3, 0)).run();
        assertTrue(result.ran());
        assertTrue(result.sent() > 0);
        assertEquals(3 * result.sent(), result.expected());
        assertEquals(result.expected(), result.received(), "nothing lost");
        assertEquals(0, result.lost());
        assertEquals(result.sent(), server.engine().counters().messagesPublished.get() - publishedBefore);
        assertEquals(result.received(), server.engine().counters().messagesDelivered.get() - deliveredBefore);
        assertTrue(result.delivered() > 0 && result.published() > 0);
        assertNull(result.latency(), "throughput runs record no latency");
        // The server is this JVM, found by its port: its CPU over the window, and per delivery.
        assertTrue(result.brokerCpu() > 0, "broker CPU " + result.brokerCpu());
        assertTrue(result.cpuMicrosPerDelivery() > 0 && Double.isFinite(result.cpuMicrosPerDelivery()));
        // Sockets are written in the kernel, and the matcher and IO threads hand work to each other by waking up.
        assertTrue(result.brokerSystemCpu() > 0 && result.brokerSystemCpu() <= result.brokerCpu(),
            "system " + result.brokerSystemCpu() + " of " + result.brokerCpu());
        assertTrue(result.switchesPerDelivery() > 0 && Double.isFinite(result.switchesPerDelivery()),
            "switches per delivery " + result.switchesPerDelivery());
    }

    @Test
    void aThreadsContextSwitchesAreCountedWhileItLivesAndOnlyThen() throws Exception
    {
        final long self = ProcessHandle.current().pid();
        final BrokerProcess process = new BrokerProcess(self);
        final BrokerProcess.Usage before = process.usage();
        final java.util.concurrent.CountDownLatch slept = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch end = new java.util.concurrent.CountDownLatch(1);
        final Thread sleeper = new Thread(() ->
        {
            for (int i = 0; i < 50; i++)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000); // each park a voluntary switch
            }
            slept.countDown();
            awaitQuietly(end);
        });
        sleeper.start();
        slept.await();
        final BrokerProcess.Usage during = process.usage();
        assertTrue(during.switchesSince(before) >= 50,
            "a new thread's switches count: " + during.switchesSince(before));
        assertTrue(during.userSeconds() + during.systemSeconds() >= before.userSeconds() + before.systemSeconds());
        end.countDown();
        sleeper.join();
        final BrokerProcess.Usage after = process.usage();
        // The ended thread is left out of the reading after, not counted back: the rest of the JVM switched a little.
        assertTrue(after.switchesSince(during) >= 0 && after.switchesSince(during) < during.switchesSince(before),
            after.switchesSince(during) + " switches after the sleeper ended, " + during.switchesSince(before) +
            " while it ran");
    }

    private static void awaitQuietly(final java.util.concurrent.CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPrimerRunsTheSameTrafficOnFewConnectionsUnmeasuredAndShort()
    {
        final RunSpec many = new RunSpec(Scenario.MATCH, RunSpec.Mode.LATENCY, 100, 256, Duration.ofSeconds(2),
            Duration.ofSeconds(8), 20_000, 10_000, 500, 64, 9);
        final RunSpec primer = many.primer();
        assertEquals(new RunSpec(Scenario.MATCH, RunSpec.Mode.LATENCY, 2, 256, Duration.ZERO, Duration.ofSeconds(1),
            20_000, 200, 500, 64, 9), primer, "2 connections of 100 subscriptions each, as in the run");
        final RunSpec short1 = spec(Scenario.FANIN, RunSpec.Mode.THROUGHPUT, 1, 0).primer();
        assertEquals(1, short1.connections());
        assertEquals(Duration.ofSeconds(1), short1.duration(), "no longer than the run's own 200 + 800 ms");
        assertEquals(Duration.ZERO, short1.warmup());
    }

    @Test
    void runAllPrimesEachBrokerBeforeItsMeasuredRounds() throws Exception
    {
        final java.util.List<String> calls = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        final Broker counted = new Broker()
        {
            @Override
            public String name()
            {
                return mist.name();
            }

            @Override
            public InetSocketAddress address()
            {
                return mist.address();
            }

            @Override
            public boolean supportsSubsetMatching()
            {
                return true;
            }

            @Override
            public Subscriber subscriber(final DeliverySink sink) throws Exception
            {
                calls.add("subscriber");
                return mist.subscriber(sink);
            }

            @Override
            public Publisher publisher() throws Exception
            {
                calls.add("publisher");
                return mist.publisher();
            }

            @Override
            public void ready() throws Exception
            {
                mist.ready();
            }
        };
        final List<RunResult> results = BenchCommand.runAll(List.of(counted),
            spec(Scenario.FANOUT, RunSpec.Mode.THROUGHPUT, 5, 0), 2);
        assertEquals(List.of("subscriber", "subscriber", "publisher",
            "subscriber", "subscriber", "subscriber", "subscriber", "subscriber", "publisher",
            "subscriber", "subscriber", "subscriber", "subscriber", "subscriber", "publisher"), calls,
            "a primer of 2 connections, then 2 rounds of 5");
        assertEquals(0, results.get(0).lost(), "the primer's traffic is not counted in the rounds");
        assertTrue(results.get(0).ran());
    }

    @Test
    void aScenarioTheServerRefusesStopsTheRunWithTheServersReason() throws Exception
    {
        try (MistServer limited = new MistServer(new ServerConfig(
            List.of(io.mist.server.ListenerUri.parse("tcp://127.0.0.1:0")), io.mist.server.LogLevel.INFO,
            io.mist.engine.EngineConfig.defaults().withLimits(new io.mist.engine.RequestLimits(10_000, 1024, 20)),
            io.mist.transport.TransportConfig.defaults())).start())
        {
            // 200 subscriptions over 4 connections: 50 per connection, over the server's 20.
            final ScenarioRefused refused = assertThrows(ScenarioRefused.class, () -> BenchCommand.runAll(
                List.of(new MistBroker(limited.firstAddress("tcp"))),
                spec(Scenario.MATCH, RunSpec.Mode.THROUGHPUT, 4, 0), 1));
            assertTrue(refused.getMessage().contains("Too many subscriptions"), refused.getMessage());
            assertTrue(refused.getMessage().contains("--max-subscriptions"), refused.getMessage());
        }
    }

    @Test
    void pinningMovesTheHarnessOffTheBrokersCpuAndRestoresEveryAffinity() throws Exception
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2,
            "--pin needs 2 CPUs");
        final long self = ProcessHandle.current().pid();
        // A thread pinned by its process to one CPU (as mist pins its data path on two CPUs) gets that pin back.
        final java.util.concurrent.CompletableFuture<Long> tid = new java.util.concurrent.CompletableFuture<>();
        final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        final Thread pinnedByItsProcess = new Thread(() ->
        {
            try
            {
                tid.complete(Long.parseLong(java.nio.file.Files.readSymbolicLink(
                    java.nio.file.Path.of("/proc/thread-self")).getFileName().toString()));
                done.await();
            }
            catch (final Exception ex)
            {
                tid.completeExceptionally(ex);
            }
        }, "pinned-by-its-process");
        pinnedByItsProcess.setDaemon(true);
        pinnedByItsProcess.start();
        // CPU 0: the one --pin takes the harness (this JVM) off, so the pin is moved and must be given back.
        final String own = "0";
        try
        {
            assertEquals(0, new ProcessBuilder("taskset", "-p", "-c", own, Long.toString(tid.get()))
                .redirectErrorStream(true).start().waitFor());
            final java.util.Map<Long, String> original = BrokerProcess.threadAffinities(self);
            assertEquals(own, original.get(tid.get()));
            final BenchCommand.Endpoints endpoints = new BenchCommand.Endpoints();
            endpoints.pin = true;
            // The broker is this JVM here, so the harness's pinning is what holds: every CPU but 0.
            try (AutoCloseable pinned = endpoints.pinning(List.of(mist)))
            {
                final java.util.Map<Long, String> during = BrokerProcess.threadAffinities(self);
                assertFalse(during.get(self).startsWith("0"), during.toString());
                assertFalse(during.get(tid.get()).startsWith("0"), "moved with the rest: " + during);
            }
            final java.util.Map<Long, String> after = BrokerProcess.threadAffinities(self);
            assertEquals(original.get(self), after.get(self));
            assertEquals(own, after.get(tid.get()), "the thread's own pin given back, not the process's");
        }
        finally
        {
            done.countDown();
        }
    }

    @Test
    void roundsAreCombinedByMedianWithCountsSummed()
    {
        final RunResult a = new RunResult("mist", 10, 100, 1000, 5, 50, 50, null, 30, null, 15, 700);
        final RunResult b = new RunResult("mist", 30, 300, 3000, 5, 50, 49, null, 10, null, 5, 900);
        final RunResult c = new RunResult("mist", 20, 200, 2000, 5, 50, 50, null, 20, null, 10, 800);
        final RunResult skipped = RunResult.skipped("mist", "failed: x");
        final RunResult median = RunResult.median(List.of(a, b, c, skipped));
        assertEquals(20, median.published());
        assertEquals(200, median.delivered());
        assertEquals(20, median.brokerCpu());
        assertEquals(10, median.brokerSystemCpu());
        assertEquals(50, median.systemSharePercent());
        assertEquals(800, median.brokerSwitches());
        assertEquals(4, median.switchesPerDelivery()); // 800 switches a second for 200 deliveries a second
        assertEquals(150, median.expected());
        assertEquals(1, median.lost());
        assertEquals(List.of(a, b, c, skipped), median.rounds(), "every round, in order, kept for the spread");
        assertEquals(List.of(a), a.roundsOrSelf(), "one run stands for its only round");
    }

    @Test
    void fanInCountsEveryPublishersMessages() throws Exception
    {
        final RunResult result = new LoadRun(mist, spec(Scenario.FANIN, RunSpec.Mode.THROUGHPUT, 3, 0)).run();
        assertEquals(result.sent(), result.expected());
        assertEquals(result.expected(), result.received());
    }

    @Test
    void subsetMatchingDeliversWhatThePlanPredicts() throws Exception
    {
        // The plan computes each message's receivers itself; the server's matching must agree, message for message
        // in total: any over- or under-delivery shows as received != expected.
        final RunResult result = new LoadRun(mist, spec(Scenario.MATCH, RunSpec.Mode.THROUGHPUT, 4, 0)).run();
        assertTrue(result.expected() > 0);
        assertEquals(result.expected(), result.received());
    }

    @Test
    void latencyRunSendsAtTheRateAndRecordsEveryMeasuredDelivery() throws Exception
    {
        final long rate = 2_000;
        final RunResult result = new LoadRun(mist, spec(Scenario.FANOUT, RunSpec.Mode.LATENCY, 2, rate)).run();
        // 1 s of sending (warm-up included) at 2,000 msgs/s: 2,000 messages, give or take the boundary.
        assertTrue(Math.abs(result.sent() - rate) <= 2, "sent " + result.sent());
        assertEquals(result.expected(), result.received());
        // Measured: the messages intended within the 800 ms window, once per subscriber.
        final long measured = result.latency().getTotalCount();
        assertTrue(Math.abs(measured - 2 * 1_600) <= 4, "recorded " + measured);
        assertTrue(result.latency().getMaxValue() > 0);
        assertTrue(Math.abs(result.published() - rate) < rate * 0.05, "published rate " + result.published());
    }

    @Test
    void peersThatCannotMatchSubsetsAreReportedNotBent() throws Exception
    {
        final RunResult result = new LoadRun(new NatsBroker("nats://127.0.0.1:1"),
            spec(Scenario.MATCH, RunSpec.Mode.THROUGHPUT, 2, 0)).run();
        assertFalse(result.ran());
        assertTrue(result.note().contains("subset matching"));
    }

    @Test
    void anUnreachableBrokerIsReportedAsFailedAndTheOthersStillRun()
    {
        final List<RunResult> results = BenchCommand.runAll(List.of(new RedisBroker(new InetSocketAddress("127.0.0.1", 1)), mist),
            spec(Scenario.FANOUT, RunSpec.Mode.THROUGHPUT, 1, 0));
        assertFalse(results.get(0).ran());
        assertTrue(results.get(0).note().startsWith("failed"), results.get(0).note());
        assertTrue(results.get(1).ran());
        assertEquals(results.get(1).expected(), results.get(1).received());
    }
}
