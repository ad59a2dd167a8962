package io.mist.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * CPUs a data-path thread is pinned to ({@code --matcher-cpu}, {@code --io-cpus}), in {@code taskset}'s list syntax
 * ({@code 1}, {@code 0-3}, {@code 1,3}); the empty set leaves the thread to the scheduler. Immutable; parsed on the
 * server's main thread, applied by each pinned thread to itself at its start.
 */
public final class CpuSet
{
    /** Not pinned: the scheduler decides. */
    public static final CpuSet NONE = new CpuSet(new BitSet(), "none", false);
    private static final int MAX_CPU = 65_535;

    private final BitSet cpus;
    private final String list;
    /** Chosen by {@code auto}, not asked for: a failure to pin is then no warning. */
    private final boolean automatic;

    private CpuSet(final BitSet cpus, final String list, final boolean automatic)
    {
        this.cpus = cpus;
        this.list = list;
        this.automatic = automatic;
    }

    /**
     * A flag's value: {@code none} (or -1) for no pinning; {@code auto} for the CPUs the caller passes as
     * {@code auto} (such as {@link #lastOfTwo}); else a list of CPUs, each of which this process must be allowed to run
     * on ({@code allowed}; empty when unknown, which checks nothing).
     *
     * @throws IllegalArgumentException naming {@code flag}, for a value that is none of these.
     */
    public static CpuSet parse(final String flag, final String value, final CpuSet allowed, final CpuSet auto)
    {
        final String text = value.trim();
        if (text.equalsIgnoreCase("none") || text.equals("-1"))
        {
            return NONE;
        }
        if (text.equalsIgnoreCase("auto"))
        {
            return auto;
        }
        final CpuSet parsed = list(text);
        if (parsed == null)
        {
            throw new IllegalArgumentException(flag +
                " must be auto, none or a list of CPUs such as 1, 0-3 or 1,3; got " + value);
        }
        final BitSet outside = allowed.outside(parsed);
        if (!allowed.isEmpty() && !outside.isEmpty())
        {
            throw new IllegalArgumentException(flag + " names CPU " + outside.nextSetBit(0) +
                ", which this process may not run on (it may use CPUs " + allowed.list + ")");
        }
        return parsed;
    }

    /**
     * On a process allowed exactly two CPUs, the last of them; elsewhere {@link #NONE}. What {@code auto} gives the
     * matcher and the IO threads alike when the matcher parks ({@code block}): a hand-off between an IO thread and the
     * matcher is then a wake-up on the same CPU instead of an interrupt to the other one (dear under a hypervisor), and
     * the other CPU is left to the kernel's network work, the JVM's own threads and whatever else runs there
     * (perf-results, fourteenth session).
     */
    public static CpuSet lastOfTwo(final CpuSet allowed)
    {
        return allowed.cpus.cardinality() == 2 ? one(allowed.cpus.length() - 1) : NONE;
    }

    private static CpuSet one(final int cpu)
    {
        final BitSet one = new BitSet();
        one.set(cpu);
        return new CpuSet(one, render(one), true);
    }

    /** The CPUs this process may run on (Linux: {@code Cpus_allowed_list} of /proc/self/status); empty if unknown. */
    public static CpuSet allowed()
    {
        return allowedBy(Path.of("/proc/self/status"));
    }

    /**
     * The CPUs a process or thread may run on, from its Linux status file ({@code /proc/PID/status},
     * {@code /proc/PID/task/TID/status}); empty if unknown (not Linux, /proc not mounted, the thread gone).
     */
    public static CpuSet allowedBy(final Path status)
    {
        try
        {
            for (final String line : Files.readAllLines(status))
            {
                if (line.startsWith("Cpus_allowed_list:"))
                {
                    final CpuSet parsed = list(line.substring("Cpus_allowed_list:".length()).trim());
                    return parsed == null ? NONE : parsed;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // nothing known, nothing checked
        }
        return NONE;
    }

    /** A list such as "0-2,5", or null if it is not one. */
    static CpuSet list(final String text)
    {
        if (text.isEmpty())
        {
            return null;
        }
        final BitSet cpus = new BitSet();
        for (final String raw : text.split(",", -1))
        {
            final String part = raw.trim();
            final int dash = part.indexOf('-');
            final int first = cpu(dash < 0 ? part : part.substring(0, dash).trim());
            final int last = dash < 0 ? first : cpu(part.substring(dash + 1).trim());
            if (first < 0 || last < first)
            {
                return null;
            }
            cpus.set(first, last + 1);
        }
        return new CpuSet(cpus, render(cpus), false);
    }

    /** taskset's list of {@code cpus}, runs as ranges: "0-2,5". */
    private static String render(final BitSet cpus)
    {
        final StringBuilder text = new StringBuilder();
        for (int first = cpus.nextSetBit(0); first >= 0; first = cpus.nextSetBit(first + 1))
        {
            final int last = cpus.nextClearBit(first) - 1;
            text.append(text.length() == 0 ? "" : ",").append(first);
            if (last > first)
            {
                text.append('-').append(last);
            }
            first = last;
        }
        return text.toString();
    }

    private static int cpu(final String text)
    {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            return -1;
        }
        final int cpu = Integer.parseInt(text);
        return cpu > MAX_CPU ? -1 : cpu;
    }

    /** Whether this is {@link #NONE}: no pinning. */
    public boolean isEmpty()
    {
        return cpus.isEmpty();
    }

    /** How many CPUs: 0 for {@link #NONE}. */
    public int size()
    {
        return cpus.cardinality();
    }

    /** Whether every CPU of {@code other} is in this set. */
    public boolean containsAll(final CpuSet other)
    {
        return outside(other).isEmpty();
    }

    /** The CPUs of {@code other} that are not in this set. */
    private BitSet outside(final CpuSet other)
    {
        final BitSet outside = (BitSet)other.cpus.clone();
        outside.andNot(cpus);
        return outside;
    }

    /** Whether {@code cpu} is in this set. */
    public boolean contains(final int cpu)
    {
        return cpus.get(cpu);
    }

    /**
     * What a thread pinned to these CPUs runs: {@code body}, after pinning the thread to itself; {@code body} as it is
     * for {@link #NONE}. If pinning fails (no {@code taskset}, not Linux), it is logged, as a warning unless the CPUs
     * were chosen by {@code auto}, and the thread runs unpinned.
     */
    public Runnable pinning(final Runnable body)
    {
        if (isEmpty())
        {
            return body;
        }
        return () ->
        {
            CpuAffinity.pinCurrentThread(list, !automatic);
            body.run();
        };
    }

    /** taskset's list, or "none". */
    @Override
    public String toString()
    {
        return list;
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof CpuSet && ((CpuSet)other).cpus.equals(cpus);
    }

    @Override
    public int hashCode()
    {
        return cpus.hashCode();
    }
}
