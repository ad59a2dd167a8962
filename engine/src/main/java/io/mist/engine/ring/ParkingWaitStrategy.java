package io.mist.engine.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The matcher's default wait: spin briefly, then park until a producer publishes. Producers pay one volatile read
 * per publish and unpark only when the matcher is parked; no lock is taken on either side. Idle, the matcher costs
 * next to no CPU (Disruptor's sleeping strategy wakes tens of thousands of times a second).
 * <p>
 * A lost wake-up is prevented Dekker-style: the waiter announces itself, fences, then re-checks the cursor; a
 * producer advances the cursor (a full fence) before it reads the waiter. The park is still bounded by
 * {@link #PARK_NANOS} as a safety net. For one consumer thread (the matcher); any number of producers.
 * <p>
 * A producer handling one socket read's many requests may {@linkplain #hold() hold} its wake-ups back: its events are
 * published (visible to a spinning matcher) one by one, but a parked matcher is woken once, when the producer
 * {@linkplain #release() releases}, and then finds them all in one batch. Without that the matcher, quicker than
 * the parser feeding it, parked and was woken again for nearly every message of a busy connection.
 */
public final class ParkingWaitStrategy implements WaitStrategy, WakeupHold
{
    static final int SPINS = 100;
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final long parkNanos;
    private final int spinLimit;
    private static final VarHandle WAITER;

    static
    {
        try
        {
            WAITER = MethodHandles.lookup().findVarHandle(ParkingWaitStrategy.class, "waiter", Thread.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused") // also through WAITER
    private volatile Thread waiter;
    /** Per producing thread: how deep its holds are nested, and whether a wake-up is owed when they end. */
    private final ThreadLocal<Held> held = ThreadLocal.withInitial(Held::new);

    public ParkingWaitStrategy()
    {
        this(PARK_NANOS, SPINS);
    }

    /**
     * A matcher that parks as soon as it runs out of work, without spinning first: for a matcher that shares its one
     * CPU with every producer, which cannot publish while it spins. At 20,000 msgs/s to 4 subscribers, with the IO
     * thread on the matcher's CPU, it spent less broker CPU per delivery than spinning in 9 of 9 alternating pairs
     * (about 6 %, perf-results, fourteenth session).
     */
    public static ParkingWaitStrategy withoutSpinning()
    {
        return new ParkingWaitStrategy(PARK_NANOS, 0);
    }

    /**
     * @param parkNanos the longest single park; tests set it high so that a lost wake-up shows as a hang.
     * @param spins how many times the matcher polls after work before it parks.
     */
    ParkingWaitStrategy(final long parkNanos, final int spins)
    {
        this.parkNanos = parkNanos;
        this.spinLimit = spins;
    }

    /** How many times the matcher polls after work before it parks. */
    int spins()
    {
        return spinLimit;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException
    {
        int spins = spinLimit;
        long available;
        while ((available = dependentSequence.get()) < sequence)
        {
            barrier.checkAlert();
            if (spins > 0)
            {
                spins--;
                Thread.onSpinWait();
                continue;
            }
            waiter = Thread.currentThread();
            VarHandle.fullFence();
            if (dependentSequence.get() < sequence && !barrier.isAlerted())
            {
                LockSupport.parkNanos(this, parkNanos);
            }
            waiter = null;
            // No spinning after a park: spinning pays off only right after work, not on every idle timeout.
        }
        return available;
    }

    /**
     * Wakes the matcher if it is parked. The first producer to see it parked takes it out of {@link #waiter}, so the
     * producers publishing while it wakes up do not each unpark it again (that was a tenth of an IO thread's time on
     * fan-in).
     */
    @Override
    public void signalAllWhenBlocking()
    {
        if (waiter != null)
        {
            // Only a parked matcher costs the look-up: a held wake-up is owed, not given.
            final Held mine = held.get();
            if (mine.depth > 0)
            {
                mine.owed = true;
                return;
            }
            wake();
        }
    }

    @Override
    public void hold()
    {
        held.get().depth++;
    }

    /**
     * Ends a {@link #hold()}; the outermost one wakes the matcher if it parked while events were published. A matcher
     * that parked after the last of them saw them all before parking (its re-check), so it is owed nothing.
     */
    @Override
    public void release()
    {
        final Held mine = held.get();
        if (--mine.depth == 0 && mine.owed)
        {
            mine.owed = false;
            wake();
        }
    }

    /**
     * Whether the matcher is not parked: from the moment a producer wakes it (or a park times out) until it runs out of
     * work and parks again. An IO thread sharing the matcher's one CPU that finds it woken before it waits for its
     * sockets knows the matcher is waiting for that CPU. Any thread.
     */
    public boolean woken()
    {
        return waiter == null;
    }

    private void wake()
    {
        if (waiter != null)
        {
            final Thread parked = (Thread)WAITER.getAndSet(this, null);
            if (parked != null)
            {
                LockSupport.unpark(parked);
            }
        }
    }

    /** One producing thread's holds. Touched by that thread only. */
    private static final class Held
    {
        int depth;
        boolean owed;
    }
}
