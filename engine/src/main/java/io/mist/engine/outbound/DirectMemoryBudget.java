package io.mist.engine.outbound;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Whether a client's ring may grow into more direct memory: the JVM's direct memory in use plus the new ring must stay
 * below {@code -XX:MaxDirectMemorySize} less a headroom kept for Netty's socket buffers. Asked by the matcher before it
 * allocates: the JDK's own refusal is not quick (when the limit is reached, {@code ByteBuffer.allocateDirect} runs a
 * full garbage collection and sleeps for up to half a second before it gives up), and a matcher that paid that per
 * message for a client that could not grow stalled every client. Any thread; reads two counters.
 */
public final class DirectMemoryBudget
{
    /** The headroom: a quarter of the limit, at most 32 MiB. */
    private static final long MOST_HEADROOM = 32L << 20;

    /** This JVM's limit and use. */
    public static final DirectMemoryBudget JVM = new DirectMemoryBudget(jvmLimit(), directPool()::getMemoryUsed);

    private final long limit;
    private final long ringsLimit;
    private final LongSupplier used;

    /**
     * @param limit the direct memory limit in bytes.
     * @param used the direct memory in use now.
     */
    DirectMemoryBudget(final long limit, final LongSupplier used)
    {
        this.limit = limit;
        this.ringsLimit = limit - Math.min(limit / 4, MOST_HEADROOM);
        this.used = used;
    }

    /** Whether a ring of {@code bytes} may be allocated now. */
    public boolean mayTake(final long bytes)
    {
        return fits(used.getAsLong(), bytes);
    }

    /**
     * Why a new client cannot be taken on now, or null when it can: its first ring would not fit in the budget. A
     * listener refuses the connection with this reason rather than let its session wait on the JDK's refusal (a full
     * collection and up to half a second's sleep on the IO thread, then an {@code OutOfMemoryError}).
     */
    public String newClientRefusal()
    {
        final long inUse = used.getAsLong();
        if (fits(inUse, OutboundRing.INITIAL_CAPACITY))
        {
            return null;
        }
        return "Out of memory for client buffers - " + mebibytes(inUse) + " of direct memory in use, " +
            mebibytes(ringsLimit) + " available to clients of the " + mebibytes(limit) +
            " limit (-XX:MaxDirectMemorySize; lower --client-buffer-size to hold more busy clients)";
    }

    /** The budget's one rule: {@code bytes} more beside {@code inUse} stay within what rings may take. */
    private boolean fits(final long inUse, final long bytes)
    {
        return inUse + bytes <= ringsLimit;
    }

    private static String mebibytes(final long bytes)
    {
        return (bytes >> 20) + " MiB";
    }

    /** {@code -XX:MaxDirectMemorySize}, or the JDK's default for it: the maximum heap. */
    private static long jvmLimit()
    {
        try
        {
            final String value = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("MaxDirectMemorySize").getValue();
            final long limit = Long.parseLong(value);
            if (limit > 0)
            {
                return limit;
            }
        }
        catch (final RuntimeException notHotSpot)
        {
            // another JVM: the JDK's default below
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** The JVM's pool of direct buffers, whose memory in use the budget reads. */
    static BufferPoolMXBean directPool()
    {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if (pool.getName().equals("direct"))
            {
                return pool;
            }
        }
        throw new IllegalStateException("the JVM reports no direct buffer pool");
    }
}
