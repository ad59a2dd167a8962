package io.mist.transport;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

import java.util.function.BooleanSupplier;

/**
 * An IO thread's choice before it waits for its sockets, where it shares its one CPU with the matcher: if the matcher
 * was woken (by this thread's publishes) and has not run out of work yet, the thread gives it the CPU once
 * ({@link Thread#yield()}) and looks again instead of waiting; otherwise it does what Netty's default does (polls
 * without waiting while tasks are queued, else waits). A wake-up does not always make the scheduler switch to the
 * matcher at once; without the yield the IO thread then went to sleep first, and the matcher, finding it asleep, had
 * to wake it again (an eventfd write and read, two more switches) to drain what it matched, in about a third of the
 * hand-offs at 20,000 msgs/s. One yield per wait: a matcher that still has not run (another thread holds the CPU)
 * wakes the IO thread as before. One per event loop; its thread.
 */
final class YieldToMatcher implements SelectStrategy
{
    private final BooleanSupplier matcherWoken;
    /** This thread yielded since it last had work or waited: it waits next time rather than yield again. */
    private boolean yielded;

    /** @param matcherWoken whether the matcher is not parked ({@link io.mist.engine.Engine#matcherWoken()}). */
    YieldToMatcher(final BooleanSupplier matcherWoken)
    {
        this.matcherWoken = matcherWoken;
    }

    @Override
    public int calculateStrategy(final IntSupplier selectSupplier, final boolean hasTasks) throws Exception
    {
        if (hasTasks)
        {
            yielded = false;
            return selectSupplier.get();
        }
        if (!yielded && matcherWoken.getAsBoolean())
        {
            yielded = true;
            Thread.yield();
            return SelectStrategy.CONTINUE;
        }
        yielded = false;
        return SelectStrategy.SELECT;
    }
}
