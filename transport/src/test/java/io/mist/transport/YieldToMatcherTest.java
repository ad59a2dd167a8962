package io.mist.transport;

import io.netty.channel.SelectStrategy;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class YieldToMatcherTest
{
    private final AtomicBoolean matcherWoken = new AtomicBoolean();
    private final AtomicInteger polls = new AtomicInteger();
    private final YieldToMatcher strategy = new YieldToMatcher(matcherWoken::get);

    private int choose(final boolean hasTasks) throws Exception
    {
        return strategy.calculateStrategy(() -> { polls.incrementAndGet(); return 7; }, hasTasks);
    }

    @Test
    void withTasksQueuedItPollsWithoutWaitingWhateverTheMatcherDoes() throws Exception
    {
        matcherWoken.set(true);
        assertEquals(7, choose(true), "the ready count of a poll that does not wait");
        assertEquals(1, polls.get());
    }

    @Test
    void aParkedMatcherIsNotYieldedTo() throws Exception
    {
        assertEquals(SelectStrategy.SELECT, choose(false));
        assertEquals(0, polls.get());
    }

    @Test
    void aWokenMatcherGetsOneYieldBeforeEachWait() throws Exception
    {
        matcherWoken.set(true);
        assertEquals(SelectStrategy.CONTINUE, choose(false), "yields and looks again instead of waiting");
        assertEquals(SelectStrategy.SELECT, choose(false), "a matcher still not run: wait, it wakes the thread");
        assertEquals(SelectStrategy.CONTINUE, choose(false), "the next wait is preceded by a yield again");
        assertEquals(7, choose(true));
        assertEquals(SelectStrategy.CONTINUE, choose(false), "work in between: yields again");
        matcherWoken.set(false);
        assertEquals(SelectStrategy.SELECT, choose(false));
    }
}
