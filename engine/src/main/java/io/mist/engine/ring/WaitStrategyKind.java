package io.mist.engine.ring;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/** How the matcher thread waits for work: the trade between idle CPU use and wake-up latency. */
public enum WaitStrategyKind
{
    /** Spins: lowest latency, one core fully busy even when idle. */
    BUSY_SPIN("busy-spin"),
    /** Spins, then yields: low latency, a core busy while idle unless others need it. */
    YIELD("yield"),
    /** Spins, yields, then parks for 100 ns at a time: quick to wake, but about a third of a core while idle. */
    SLEEP("sleep"),
    /** Spins briefly, then parks until a producer publishes (no lock): next to no idle CPU. The default. */
    BLOCK("block");

    private final String flagValue;

    WaitStrategyKind(final String flagValue)
    {
        this.flagValue = flagValue;
    }

    public String flagValue()
    {
        return flagValue;
    }

    /**
     * @param spin for {@link #BLOCK}: whether the matcher spins briefly after work before it parks (not when every
     *     producer shares its one CPU); the other kinds poll by nature.
     */
    public WaitStrategy create(final boolean spin)
    {
        switch (this)
        {
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case YIELD:
                return new YieldingWaitStrategy();
            case BLOCK:
                return spin ? new ParkingWaitStrategy() : ParkingWaitStrategy.withoutSpinning();
            default:
                return new SleepingWaitStrategy();
        }
    }

    /** Parses a flag value such as {@code busy-spin}; throws with the accepted values otherwise. */
    public static WaitStrategyKind parse(final String value)
    {
        for (final WaitStrategyKind kind : values())
        {
            if (kind.flagValue.equalsIgnoreCase(value))
            {
                return kind;
            }
        }
        throw new IllegalArgumentException(
            "unknown wait strategy '" + value + "' (expected busy-spin, yield, sleep or block)");
    }

    @Override
    public String toString()
    {
        return flagValue;
    }
}
