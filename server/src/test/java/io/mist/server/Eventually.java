package io.mist.server;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Waiting in tests for a figure the server updates on another thread. */
final class Eventually
{
    private Eventually()
    {
    }

    /** Waits up to {@code seconds} for {@code value} to read {@code expected}; fails naming {@code what} otherwise. */
    static void await(final String what, final LongSupplier value, final long expected, final int seconds)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (value.getAsLong() != expected)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError(what + ": expected " + expected + ", still " + value.getAsLong());
            }
            Thread.sleep(10);
        }
    }
}
