package io.mist.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the results were measured on, as far as the JVM and {@code /proc} say. Stateless. */
final class Machine
{
    private Machine()
    {
    }

    /** The CPU model from {@code /proc/cpuinfo}, or "unknown". */
    static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final Exception ignored)
        {
            // not Linux
        }
        return "unknown";
    }

    static String describe()
    {
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpuModel() + "), " +
            System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", " +
            System.getProperty("os.name") + " " + System.getProperty("os.version");
    }
}
