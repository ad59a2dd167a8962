package io.mist.server;

import io.mist.engine.CpuSet;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The data path's threads land on the CPUs {@code --matcher-cpu} and {@code --io-cpus} say: by default, on a process
 * allowed two CPUs, the matcher and every IO thread share the last one while the JVM's other threads keep both. A real
 * server process started under {@code taskset} on two CPUs; the threads' affinity read from /proc.
 */
class CpuPinningTest
{
    /** Where {@link #threadCpus} puts the server's "mist started" line. */
    private static final String STARTED = "(started)";

    @Test
    void byDefaultOnTwoCpusTheMatcherAndIoThreadsShareTheLast() throws Exception
    {
        final int[] two = twoCpus();
        final Map<String, String> cpus = threadCpus(two, "--io-threads", "2");
        final String last = Integer.toString(two[1]);
        assertEquals(last, cpus.get("mist-matcher"), cpus.toString());
        assertEquals(List.of(last, last), io(cpus), "every IO thread, started and pinned at start: " + cpus);
        assertTrue(both(two, cpus.get("mist-accept-1-1")), "the acceptor is not on the data path: " + cpus);
        assertTrue(both(two, cpus.get("VM Thread")), "the JVM's threads keep both CPUs: " + cpus);
        assertTrue(cpus.get(STARTED).contains("2 IO threads on CPUs " + last + ", matcher on CPUs " + last),
            cpus.get(STARTED));
    }

    @Test
    void noneLeavesThemToTheSchedulerAndAListIsFollowed() throws Exception
    {
        final int[] two = twoCpus();
        final Map<String, String> unpinned = threadCpus(two, "--matcher-cpu", "none", "--io-cpus", "none");
        assertTrue(both(two, unpinned.get("mist-matcher")), unpinned.toString());
        assertEquals(1, io(unpinned).size(), unpinned.toString());
        assertTrue(both(two, io(unpinned).get(0)), unpinned.toString());
        assertTrue(unpinned.get(STARTED).contains("IO thread on CPUs any, matcher on CPUs any"),
            unpinned.get(STARTED));

        // A polling matcher and its IO threads are left to the scheduler by default.
        final Map<String, String> polling = threadCpus(two, "--wait-strategy", "busy-spin");
        assertTrue(both(two, polling.get("mist-matcher")), polling.toString());
        assertTrue(both(two, io(polling).get(0)), polling.toString());

        final Map<String, String> apart = threadCpus(two, "--matcher-cpu", Integer.toString(two[1]), "--io-cpus",
            Integer.toString(two[0]));
        assertEquals(Integer.toString(two[1]), apart.get("mist-matcher"), apart.toString());
        assertEquals(List.of(Integer.toString(two[0])), io(apart), apart.toString());
    }

    /**
     * Without taskset (PATH emptied for the server), CPUs chosen by auto leave the threads unpinned with an INFO line,
     * while CPUs asked for by flag give a WARN line; the server runs either way.
     */
    @Test
    void withoutTasksetAutoIsNewsAndAFlagIsAWarning() throws Exception
    {
        final int[] two = twoCpus();
        final Path taskset = Stream.of("/usr/bin/taskset", "/bin/taskset").map(Path::of).filter(Files::isExecutable)
            .findFirst().orElse(null);
        assumeTrue(taskset != null, "needs taskset at /usr/bin or /bin");
        final String auto = failedPin(taskset, two);
        assertTrue(auto.contains(" INFO ") && auto.contains("to CPUs " + two[1]), auto);
        final String asked = failedPin(taskset, two, "--matcher-cpu", Integer.toString(two[0]));
        assertTrue(asked.contains(" WARN ") && asked.contains("to CPUs " + two[0]), asked);
    }

    /** A polling matcher pinned where the IO threads are is warned about at start, naming the flags that fix it. */
    @Test
    void aPollingMatcherSharingItsCpuWithTheIoThreadsIsWarnedAbout() throws Exception
    {
        final int[] two = twoCpus();
        final String cpu = Integer.toString(two[1]);
        try (ServerProcess process = ServerProcess.startUnder(List.of("taskset", "-c", two[0] + "," + two[1]),
            List.of(), "--server", "--listeners", "tcp://127.0.0.1:0", "--wait-strategy", "yield", "--matcher-cpu",
            cpu, "--io-cpus", cpu))
        {
            process.awaitPort("TCP");
            final String warning = process.awaitLine("The matcher polls");
            assertTrue(warning.contains(" WARN ") && warning.contains("(yield) on CPUs " + cpu) &&
                warning.contains("--io-cpus") && warning.contains("--wait-strategy block"), warning);
        }
    }

    /**
     * Where the IO threads share the matcher's CPU (the default on two CPUs) an IO thread about to wait first yields to
     * a woken matcher (YieldToMatcher). Publishes with pauses between them, so the matcher parks and is woken again
     * and again, all still reach the subscriber in order; and once idle, the data path's threads use next to no CPU (an
     * IO thread that kept looking instead of waiting would spin its core).
     */
    @Test
    void onTheSharedCpuEveryMessageArrivesAndTheIdleDataPathRests() throws Exception
    {
        final int[] two = twoCpus();
        try (ServerProcess process = ServerProcess.startUnder(List.of("taskset", "-c", two[0] + "," + two[1]),
            List.of(), "--server", "--listeners", "tcp://127.0.0.1:0", "--io-threads", "2"))
        {
            final InetSocketAddress address = new InetSocketAddress("127.0.0.1", process.awaitPort("TCP"));
            final String started = process.awaitLine("mist started (");
            assertTrue(started.contains("IO threads on CPUs " + two[1] + ", matcher on CPUs " + two[1]), started);
            try (TestClient subscriber = new TestClient(address); TestClient publisher = new TestClient(address))
            {
                subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"a\"]}").sync();
                for (int i = 0; i < 300; i++)
                {
                    publisher.send("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"m" + i + "\"}");
                    if (i % 3 == 0)
                    {
                        Thread.sleep(1);
                    }
                }
                for (int i = 0; i < 300; i++)
                {
                    subscriber.expect("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"m" + i + "\"}");
                }
            }
            final long before = dataPathTicks(process.pid());
            Thread.sleep(2000);
            final long used = dataPathTicks(process.pid()) - before;
            assertTrue(used < 40, "the idle data path used " + used + " clock ticks (1/100 s) in 2 s");
        }
    }

    /** CPU clock ticks (user and system) the server's matcher and IO threads have used so far. */
    private static long dataPathTicks(final long pid) throws Exception
    {
        long ticks = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                final String name = Files.readString(task.resolve("comm")).trim();
                if (name.equals("mist-matcher") || name.startsWith("mist-io-"))
                {
                    final String stat = Files.readString(task.resolve("stat"));
                    final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                }
            }
        }
        return ticks;
    }

    /** The log line of the matcher's failed pinning, from a server that cannot find taskset. */
    private static String failedPin(final Path taskset, final int[] two, final String... args) throws Exception
    {
        final List<String> all = new ArrayList<>(List.of("--server", "--listeners", "tcp://127.0.0.1:0"));
        all.addAll(List.of(args));
        try (ServerProcess process = ServerProcess.startUnder(List.of(taskset.toString(), "-c", two[0] + "," + two[1]),
            Map.of("PATH", "/nonexistent"), List.of(), all.toArray(new String[0])))
        {
            process.awaitPort("TCP");
            return process.awaitLine("Could not pin mist-matcher");
        }
    }

    /** The CPU lists of the IO threads (mist-io-N-M). */
    private static List<String> io(final Map<String, String> cpus)
    {
        final List<String> lists = new ArrayList<>();
        cpus.forEach((name, list) ->
        {
            if (name.startsWith("mist-io-"))
            {
                lists.add(list);
            }
        });
        return lists;
    }

    /** Two CPUs this JVM may use, or the test is skipped. */
    private static int[] twoCpus()
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
        final CpuSet allowed = CpuSet.allowed();
        final List<Integer> found = new ArrayList<>();
        for (int cpu = 0; cpu < 65_536 && found.size() < 2; cpu++)
        {
            if (allowed.contains(cpu))
            {
                found.add(cpu);
            }
        }
        assumeTrue(found.size() == 2, "needs two CPUs, this process may use " + allowed);
        return new int[] {found.get(0), found.get(1)};
    }

    private static boolean both(final int[] two, final String list)
    {
        return list != null && CpuSet.parse("--x", list, CpuSet.NONE, CpuSet.NONE)
            .equals(CpuSet.parse("--x", two[0] + "," + two[1], CpuSet.NONE, CpuSet.NONE));
    }

    /** Each thread's name and Cpus_allowed_list, of a server started under {@code taskset -c A,B} with {@code args}. */
    private static Map<String, String> threadCpus(final int[] two, final String... args) throws Exception
    {
        final List<String> all = new ArrayList<>(List.of("--server", "--listeners", "tcp://127.0.0.1:0"));
        all.addAll(List.of(args));
        try (ServerProcess process = ServerProcess.startUnder(List.of("taskset", "-c", two[0] + "," + two[1]),
            List.of(), all.toArray(new String[0])))
        {
            // a connection served, so that an IO thread exists even where nothing started it early
            try (TestClient client = new TestClient(new InetSocketAddress("127.0.0.1", process.awaitPort("TCP"))))
            {
                assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}",
                    client.send("{\"command\":\"ping\"}").read());
            }
            final Map<String, String> cpus = new TreeMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task")))
            {
                for (final Path task : (Iterable<Path>)tasks::iterator)
                {
                    cpus.put(Files.readString(task.resolve("comm")).trim(),
                        CpuSet.allowedBy(task.resolve("status")).toString());
                }
            }
            assertFalse(cpus.isEmpty(), process.log());
            cpus.put(STARTED, process.awaitLine("mist started ("));
            return cpus;
        }
    }
}
