package io.mist.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A count with exactly one writing thread (named where it is declared) and any number of
 * readers. The writer uses a release store instead of an atomic add: no lock, no contention.
 */
public final class Counter
{
    private static final VarHandle VALUE;

    static
    {
        try
        {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused") // accessed through VALUE
    private long value;

    /** Writer thread only. */
    public void increment()
    {
        VALUE.setRelease(this, (long)VALUE.get(this) + 1);
    }

    /** Writer thread only. */
    public void add(final long delta)
    {
        VALUE.setRelease(this, (long)VALUE.get(this) + delta);
    }

    /** Any thread. */
    public long get()
    {
        return (long)VALUE.getAcquire(this);
    }
}
