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
        awaitBetween(what, value, expected, expected, seconds);
    }

    /** Waits up to {@code seconds} for {@code value} to read at least {@code least}; fails naming {@code what}. */
    static void awaitAtLeast(final String what, final LongSupplier value, final long least, final int seconds)
        throws InterruptedException
    {
        awaitBetween(what, value, least, Long.MAX_VALUE, seconds);
    }

    private static void awaitBetween(final String what, final LongSupplier value, final long least, final long most,
        final int seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long now;
        while ((now = value.getAsLong()) < least || now > most)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError(what + ": expected " + (least == most ? least : "at least " + least) +
                    ", still " + now);
            }
            Thread.sleep(10);
        }
    }
}
