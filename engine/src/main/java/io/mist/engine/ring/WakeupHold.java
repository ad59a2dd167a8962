package io.mist.engine.ring;

/**
 * Lets a producer publish a run of events and wake a parked matcher once for all of them, rather than once per event
 * (see {@link ParkingWaitStrategy}). Holds nest per thread; every {@link #hold()} is paired with a {@link #release()}
 * in a {@code finally}. The producing thread.
 */
public interface WakeupHold
{
    /** For wait strategies whose producers never wake the matcher (it spins, yields or sleeps). */
    WakeupHold NONE = new WakeupHold()
    {
        @Override
        public void hold()
        {
        }

        @Override
        public void release()
        {
        }
    };

    /** From now until the matching {@link #release()}, this thread's events wake the matcher only at the end. */
    void hold();

    /** Ends a {@link #hold()}: the outermost wakes the matcher if an event published meanwhile found it parked. */
    void release();
}
