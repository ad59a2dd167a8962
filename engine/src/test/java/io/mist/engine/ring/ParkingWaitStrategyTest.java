package io.mist.engine.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParkingWaitStrategyTest
{
    /** A slot carrying which producer sent it and its sequence number there. */
    static final class Slot
    {
        int producer;
        long number;
    }

    /**
     * Producers that pause between publishes make the consumer park again and again. Parks are an hour long here,
     * so a single lost wake-up would hang the consumer and fail the deadline.
     */
    @Test
    void everyPublishWakesAParkedConsumer()
    {
        publishAndReceiveAll(false);
    }

    /**
     * The same with each producer holding its wake-ups over runs of 1 to 40 publishes (as an IO thread over one
     * socket read), pausing inside runs and between them: releasing a hold must wake a consumer that parked during it.
     */
    @Test
    void releasingAHoldWakesAConsumerThatParkedDuringIt()
    {
        publishAndReceiveAll(true);
    }

    /** Both again with a consumer that parks without spinning first ({@link ParkingWaitStrategy#withoutSpinning()}). */
    @Test
    void aConsumerThatDoesNotSpinIsWokenAlike()
    {
        publishAndReceiveAll(false, 0);
        publishAndReceiveAll(true, 0);
    }

    @Test
    void blockSpinsUnlessAskedNotTo()
    {
        assertEquals(ParkingWaitStrategy.SPINS, ((ParkingWaitStrategy)WaitStrategyKind.BLOCK.create(true)).spins());
        assertEquals(0, ((ParkingWaitStrategy)WaitStrategyKind.BLOCK.create(false)).spins());
    }

    private static void publishAndReceiveAll(final boolean holding)
    {
        publishAndReceiveAll(holding, ParkingWaitStrategy.SPINS);
    }

    private static void publishAndReceiveAll(final boolean holding, final int spins)
    {
        final int producers = 3;
        final int perProducer = 20_000;
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(TimeUnit.HOURS.toNanos(1), spins);
        final Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, 1024, DaemonThreadFactory.INSTANCE,
            ProducerType.MULTI, strategy);
        final long[] nextExpected = new long[producers];
        final AtomicLong received = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(1);
        final EventHandler<Slot> consumer = (slot, sequence, endOfBatch) ->
        {
            assertEquals(nextExpected[slot.producer]++, slot.number, "order from producer " + slot.producer);
            if (received.incrementAndGet() == (long)producers * perProducer)
            {
                done.countDown();
            }
        };
        disruptor.handleEventsWith(consumer);
        final RingBuffer<Slot> ring = disruptor.start();

        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final Thread[] threads = new Thread[producers];
            for (int p = 0; p < producers; p++)
            {
                final int producer = p;
                threads[p] = new Thread(() ->
                {
                    int run = 0;
                    for (long n = 0; n < perProducer; n++)
                    {
                        if (holding && run == 0)
                        {
                            strategy.hold();
                            run = 1 + ThreadLocalRandom.current().nextInt(40);
                        }
                        final long sequence = ring.next();
                        final Slot slot = ring.get(sequence);
                        slot.producer = producer;
                        slot.number = n;
                        ring.publish(sequence);
                        if (ThreadLocalRandom.current().nextInt(4) == 0)
                        {
                            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(50_000));
                        }
                        if (holding && (--run == 0 || n == perProducer - 1))
                        {
                            run = 0;
                            strategy.release();
                        }
                    }
                });
                threads[p].start();
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertTrue(done.await(60, TimeUnit.SECONDS));
        });
        assertEquals((long)producers * perProducer, received.get());
        disruptor.halt();
    }

    /**
     * A held wake-up is owed, not given: the consumer parked (for an hour) stays parked while the producer holds,
     * even though the event is published, and gets it as soon as the (outermost, nested) hold is released.
     */
    @Test
    void aHeldWakeUpIsGivenAtTheOutermostRelease() throws Exception
    {
        final ParkingWaitStrategy strategy =
            new ParkingWaitStrategy(TimeUnit.HOURS.toNanos(1), ParkingWaitStrategy.SPINS);
        final Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, 64, DaemonThreadFactory.INSTANCE,
            ProducerType.MULTI, strategy);
        final CountDownLatch received = new CountDownLatch(1);
        disruptor.handleEventsWith((slot, sequence, endOfBatch) -> received.countDown());
        final RingBuffer<Slot> ring = disruptor.start();
        try
        {
            Thread.sleep(200); // the consumer has spun and parked
            strategy.hold();
            strategy.hold();
            ring.publish(ring.next());
            assertFalse(received.await(300, TimeUnit.MILLISECONDS), "woken while the wake-up was held");
            strategy.release();
            assertFalse(received.await(300, TimeUnit.MILLISECONDS), "woken by an inner release");
            strategy.release();
            assertTrue(received.await(5, TimeUnit.SECONDS), "not woken when the hold ended");
            ring.publish(ring.next()); // no hold now: wakes at once
        }
        finally
        {
            disruptor.halt();
        }
    }

    /**
     * {@link ParkingWaitStrategy#woken()}, which IO threads sharing the matcher's CPU ask before they wait: false while
     * the consumer is parked, true from the publish that wakes it (at once, in the publishing thread) for as long as
     * the consumer works, false again once it has parked.
     */
    @Test
    void theConsumerIsWokenFromThePublishUntilItParksAgain() throws Exception
    {
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(TimeUnit.HOURS.toNanos(1), 0);
        final Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, 64, DaemonThreadFactory.INSTANCE,
            ProducerType.MULTI, strategy);
        final CountDownLatch working = new CountDownLatch(1);
        final CountDownLatch finish = new CountDownLatch(1);
        disruptor.handleEventsWith((slot, sequence, endOfBatch) ->
        {
            working.countDown();
            finish.await();
        });
        final RingBuffer<Slot> ring = disruptor.start();
        try
        {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
            {
                while (strategy.woken())
                {
                    Thread.sleep(1); // until the consumer, with nothing to do, parks
                }
            });
            ring.publish(ring.next());
            assertTrue(strategy.woken(), "a publish that wakes the parked consumer marks it woken at once");
            assertTrue(working.await(5, TimeUnit.SECONDS));
            Thread.sleep(50);
            assertTrue(strategy.woken(), "woken while it works");
            finish.countDown();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
            {
                while (strategy.woken())
                {
                    Thread.sleep(1); // parked again once out of work
                }
            });
        }
        finally
        {
            finish.countDown();
            disruptor.halt();
        }
    }

    /**
     * The race a test cannot hit by timing, scripted: the publish lands after the waiter's last look at the cursor
     * but before it parks. The waiter must see it on its re-check instead of parking (here for an hour).
     */
    @Test
    void publishBetweenTheLastCheckAndTheParkIsSeen()
    {
        final long wanted = 5;
        final AtomicLong reads = new AtomicLong();
        final Sequence cursor = new Sequence()
        {
            @Override
            public long get()
            {
                // Every look while spinning, and the loop's last look, see nothing; any later look sees the publish.
                return reads.incrementAndGet() <= SPINS_PLUS_LAST_CHECK ? wanted - 1 : wanted;
            }
        };
        final ParkingWaitStrategy strategy =
            new ParkingWaitStrategy(TimeUnit.HOURS.toNanos(1), ParkingWaitStrategy.SPINS);
        assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> assertEquals(wanted, strategy.waitFor(wanted, cursor, cursor, new NeverAlerted())));
    }

    private static final long SPINS_PLUS_LAST_CHECK = ParkingWaitStrategy.SPINS + 1;

    /** A barrier that is never alerted. */
    private static final class NeverAlerted implements SequenceBarrier
    {
        @Override
        public long waitFor(final long sequence)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getCursor()
        {
            return 0;
        }

        @Override
        public boolean isAlerted()
        {
            return false;
        }

        @Override
        public void alert()
        {
        }

        @Override
        public void clearAlert()
        {
        }

        @Override
        public void checkAlert()
        {
        }
    }

    @Test
    void haltWakesAParkedConsumer()
    {
        final Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, 64, DaemonThreadFactory.INSTANCE,
            ProducerType.MULTI, new ParkingWaitStrategy(TimeUnit.HOURS.toNanos(1), ParkingWaitStrategy.SPINS));
        disruptor.handleEventsWith((slot, sequence, endOfBatch) -> { });
        disruptor.start();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        {
            Thread.sleep(50); // long enough to spin out and park
            disruptor.halt(); // returns once the consumer has woken and stopped
        });
    }
}
