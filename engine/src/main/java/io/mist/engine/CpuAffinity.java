package io.mist.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Pins the calling thread to a list of CPUs where the platform allows it: on Linux through {@code taskset} on the
 * thread's own task id (read from {@code /proc/thread-self}); elsewhere, or without {@code taskset}, it logs so and
 * leaves the thread unpinned. Called once by the thread to pin, at its start.
 */
final class CpuAffinity
{
    private static final Logger LOG = LoggerFactory.getLogger(CpuAffinity.class);

    private CpuAffinity()
    {
    }

    /**
     * @param warn whether a failure is a warning (the CPUs were asked for) or news (they were chosen by {@code auto}).
     * @return whether the thread was pinned.
     */
    static boolean pinCurrentThread(final String cpus, final boolean warn)
    {
        final String name = Thread.currentThread().getName();
        try
        {
            final Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            final String tid = self.getFileName().toString();
            final Process taskset = new ProcessBuilder("taskset", "-p", "-c", cpus, tid)
                .redirectErrorStream(true).start();
            final String output = new String(taskset.getInputStream().readAllBytes()).trim();
            if (!taskset.waitFor(5, TimeUnit.SECONDS) || taskset.exitValue() != 0)
            {
                unpinned(warn, "Could not pin {} to CPUs {}: taskset said: {}", name, cpus, output);
                return false;
            }
            LOG.info("{} pinned to CPUs {}", name, cpus);
            return true;
        }
        catch (final Exception ex)
        {
            unpinned(warn, "Could not pin {} to CPUs {} ({}); it runs unpinned", name, cpus, ex.toString());
            return false;
        }
    }

    private static void unpinned(final boolean warn, final String format, final Object... args)
    {
        if (warn)
        {
            LOG.warn(format, args);
        }
        else
        {
            LOG.info(format, args);
        }
    }
}
