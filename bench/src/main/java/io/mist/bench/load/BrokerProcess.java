package io.mist.bench.load;

import io.mist.engine.CpuSet;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A broker's process on this machine, found by the port it listens on ({@code /proc/net/tcp[6]} and the socket inodes
 * of {@code /proc/<pid>/fd}, Linux): its CPU time (user and system) from {@code /proc/<pid>/stat} and its threads'
 * context switches from {@code /proc/<pid>/task/<tid>/status}, and pinning to a CPU with {@code taskset}. The harness
 * reads them at the edges of each measured window. Main thread.
 */
final class BrokerProcess
{
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private final long pid;

    BrokerProcess(final long pid)
    {
        this.pid = pid;
    }

    long pid()
    {
        return pid;
    }

    /** The process listening on {@code port} on this machine; null when none is found (not Linux, not allowed). */
    static BrokerProcess listeningOn(final int port)
    {
        try
        {
            final Set<String> inodes = new HashSet<>();
            for (final String table : List.of("/proc/net/tcp", "/proc/net/tcp6"))
            {
                final Path file = Path.of(table);
                if (!Files.isReadable(file))
                {
                    continue;
                }
                for (final String line : Files.readAllLines(file))
                {
                    final String[] fields = line.trim().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    if (fields.length > 9 && fields[3].equals("0A") && fields[1].contains(":") &&
                        Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16) == port)
                    {
                        inodes.add("socket:[" + fields[9] + "]");
                    }
                }
            }
            if (inodes.isEmpty())
            {
                return null;
            }
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*"))
            {
                for (final Path process : processes)
                {
                    if (holdsSocket(process.resolve("fd"), inodes))
                    {
                        return new BrokerProcess(Long.parseLong(process.getFileName().toString()));
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
        return null;
    }

    private static boolean holdsSocket(final Path fds, final Set<String> inodes)
    {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds))
        {
            for (final Path fd : entries)
            {
                try
                {
                    if (inodes.contains(Files.readSymbolicLink(fd).toString()))
                    {
                        return true;
                    }
                }
                catch (final IOException gone)
                {
                    // closed meanwhile
                }
            }
        }
        catch (final IOException | SecurityException notOurs)
        {
            return false;
        }
        return false;
    }

    /**
     * The process's CPU time (all its threads, living or ended) split into user and system time, and each living
     * thread's context switches (voluntary and involuntary), now; null when {@code /proc} cannot be read.
     */
    Usage usage()
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            final Map<Long, Long> switches = byThread(pid, status ->
            {
                final long count = contextSwitches(status);
                return count < 0 ? null : count;
            });
            return new Usage(Long.parseLong(fields[11]) / (double)TICKS_PER_SECOND,
                Long.parseLong(fields[12]) / (double)TICKS_PER_SECOND, switches);
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * One reading per thread of {@code pid}, by thread id, taken from its {@code status} file by {@code read}, which
     * returns null for a thread that ended meanwhile (it is left out).
     */
    private static <T> Map<Long, T> byThread(final long pid, final Function<Path, T> read) throws IOException
    {
        final Map<Long, T> readings = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : tasks)
            {
                final T reading = read.apply(task.resolve("status"));
                if (reading != null)
                {
                    readings.put(Long.parseLong(task.getFileName().toString()), reading);
                }
            }
        }
        return readings;
    }

    /** A thread's voluntary plus involuntary context switches from its {@code status} file; -1 if it is gone. */
    static long contextSwitches(final Path status)
    {
        try
        {
            long count = 0;
            for (final String line : Files.readAllLines(status))
            {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:"))
                {
                    count += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return count;
        }
        catch (final IOException | NumberFormatException gone)
        {
            return -1;
        }
    }

    /**
     * One reading of {@link #usage()}: seconds of user and system CPU, and context switches by thread id.
     *
     * @param switchesByThread each thread's switches so far; a window counts the switches of the threads alive at
     *     both of its ends, plus all of those of threads started within it.
     */
    record Usage(double userSeconds, double systemSeconds, Map<Long, Long> switchesByThread)
    {
        /** Context switches from {@code before} to this reading (threads that ended meanwhile are not counted). */
        long switchesSince(final Usage before)
        {
            long count = 0;
            for (final Map.Entry<Long, Long> thread : switchesByThread.entrySet())
            {
                count += thread.getValue() - before.switchesByThread.getOrDefault(thread.getKey(), 0L);
            }
            return count;
        }
    }

    /** Binds every thread of {@code pid} to {@code cpus} (taskset's list syntax, e.g. "0" or "0-1"). */
    static void pin(final long pid, final String cpus) throws IOException, InterruptedException
    {
        final Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
            .redirectErrorStream(true).start();
        final String output = new String(taskset.getInputStream().readAllBytes());
        if (taskset.waitFor() != 0)
        {
            throw new IOException("taskset -a -p -c " + cpus + " " + pid + " failed: " + output.trim());
        }
    }

    /**
     * The CPUs each thread of {@code pid} may run on now, in taskset's list syntax (e.g. "0-1"), by thread id: a broker
     * may have pinned some of its threads itself (mist's matcher and IO threads, on two CPUs), and those pins are given
     * back after the runs ({@link #restore}).
     */
    static Map<Long, String> threadAffinities(final long pid) throws IOException
    {
        final Map<Long, String> affinities = byThread(pid, status ->
        {
            final CpuSet cpus = CpuSet.allowedBy(status);
            return cpus.isEmpty() ? null : cpus.toString();
        });
        if (!affinities.containsKey(pid))
        {
            throw new IOException("no affinity found for process " + pid + " in /proc");
        }
        return affinities;
    }

    /**
     * Gives each thread of {@code pid} the CPUs it had in {@code before}; a thread started since gets those of the
     * process's first thread. A thread that ended meanwhile is skipped.
     */
    static void restore(final long pid, final Map<Long, String> before) throws IOException, InterruptedException
    {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task")))
        {
            for (final Path task : tasks)
            {
                final long tid = Long.parseLong(task.getFileName().toString());
                final String cpus = before.getOrDefault(tid, before.get(pid));
                final Process taskset = new ProcessBuilder("taskset", "-p", "-c", cpus, Long.toString(tid))
                    .redirectErrorStream(true).start();
                final String output = new String(taskset.getInputStream().readAllBytes()).trim();
                if (taskset.waitFor() != 0 && Files.exists(task))
                {
                    throw new IOException("taskset -p -c " + cpus + " " + tid + " failed: " + output);
                }
            }
        }
    }

    private static long ticksPerSecond()
    {
        try
        {
            final Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            final String value = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(value) : 100;
        }
        catch (final IOException | InterruptedException | NumberFormatException ex)
        {
            return 100;
        }
    }

    @Override
    public String toString()
    {
        return String.format(Locale.ROOT, "pid %d", pid);
    }
}
