package io.mist.bench.load;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one {@link RunSpec} against one {@link Broker}: connects and confirms the subscribers, starts the publishers
 * (one thread each), measures, stops, waits for the deliveries in flight, and counts. The calling thread orchestrates
 * and samples the counters, and the broker process's CPU time when it runs on this machine, at the edges of the
 * measured window.
 */
public final class LoadRun
{
    /** How long the run waits, after the last send, for deliveries still in flight to arrive. */
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A throughput publisher waiting on its window gives up when no delivery has arrived for this long. */
    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Broker broker;
    private final RunSpec spec;
    private final Scenario.Plan plan;
    private final List<DeliveryRecorder> recorders = new ArrayList<>();
    private final AtomicLong[] sent;
    private final AtomicLong[] expected;
    /** Per publisher, deliveries sent for each subscriber connection; published every 64 messages. */
    private final AtomicLongArray[] expectedBySubscriber;
    private volatile boolean stop;

    public LoadRun(final Broker broker, final RunSpec spec)
    {
        this.broker = broker;
        this.spec = spec;
        this.plan = spec.scenario().plan(spec);
        this.sent = counters(plan.publishers());
        this.expected = counters(plan.publishers());
        this.expectedBySubscriber = new AtomicLongArray[plan.publishers()];
        for (int p = 0; p < plan.publishers(); p++)
        {
            expectedBySubscriber[p] = new AtomicLongArray(plan.subscriptions().size());
        }
    }

    public RunResult run() throws Exception
    {
        if (spec.scenario() == Scenario.MATCH && !broker.supportsSubsetMatching())
        {
            return RunResult.skipped(broker.name(), "cannot express subset matching of several tags");
        }
        final List<Broker.Subscriber> subscribers = new ArrayList<>();
        final List<Broker.Publisher> publishers = new ArrayList<>();
        try
        {
            for (final List<List<String>> subscriptions : plan.subscriptions())
            {
                final DeliveryRecorder recorder = new DeliveryRecorder();
                final Broker.Subscriber subscriber = broker.subscriber(recorder);
                subscribers.add(subscriber);
                recorders.add(recorder);
                for (final List<String> tags : subscriptions)
                {
                    subscriber.subscribe(tags);
                }
            }
            broker.ready();
            for (int p = 0; p < plan.publishers(); p++)
            {
                publishers.add(broker.publisher());
            }
            return measure(publishers);
        }
        finally
        {
            for (final Broker.Publisher publisher : publishers)
            {
                closeQuietly(publisher);
            }
            for (final Broker.Subscriber subscriber : subscribers)
            {
                closeQuietly(subscriber);
            }
        }
    }

    private RunResult measure(final List<Broker.Publisher> publishers) throws Exception
    {
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        final long measureStart = start + spec.warmup().toNanos();
        final long measureEnd = measureStart + spec.duration().toNanos();
        if (spec.mode() == RunSpec.Mode.LATENCY)
        {
            for (final DeliveryRecorder recorder : recorders)
            {
                recorder.measureLatency(measureStart, measureEnd);
            }
        }
        final List<Thread> threads = new ArrayList<>();
        final List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int p = 0; p < publishers.size(); p++)
        {
            final int index = p;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    if (spec.mode() == RunSpec.Mode.LATENCY)
                    {
                        publishAtFixedRate(publishers.get(index), index, start, measureEnd);
                    }
                    else
                    {
                        publishFlatOut(publishers.get(index), index, start);
                    }
                }
                catch (final Exception ex)
                {
                    failures.add(ex);
                }
            }, "publisher-" + p);
            thread.start();
            threads.add(thread);
        }
        final List<BrokerProcess> processes = processes();
        sleepUntil(measureStart);
        final List<BrokerProcess.Usage> usageBefore = usage(processes);
        final long sentBefore = sum(sent);
        final long receivedBefore = received();
        final long bytesBefore = receivedBytes();
        final long before = System.nanoTime();
        sleepUntil(measureEnd);
        final long sentAfter = sum(sent);
        final long receivedAfter = received();
        final long bytesAfter = receivedBytes();
        final double seconds = (System.nanoTime() - before) / 1e9;
        final List<BrokerProcess.Usage> usageAfter = usage(processes);
        stop = true;
        for (final Thread thread : threads)
        {
            thread.join();
        }
        if (!failures.isEmpty())
        {
            throw failures.get(0);
        }
        awaitDeliveries();
        Histogram latency = null;
        if (spec.mode() == RunSpec.Mode.LATENCY)
        {
            latency = new Histogram(1, DeliveryRecorder.HIGHEST_NANOS, 3);
            for (final DeliveryRecorder recorder : recorders)
            {
                latency.add(recorder.takeLatencies());
            }
        }
        return new RunResult(broker.name(), (sentAfter - sentBefore) / seconds,
            (receivedAfter - receivedBefore) / seconds, (bytesAfter - bytesBefore) / seconds, sum(sent), sum(expected),
            received(), latency, cpuPercent(usageBefore, usageAfter, seconds, false), null,
            cpuPercent(usageBefore, usageAfter, seconds, true), switchesPerSecond(usageBefore, usageAfter, seconds));
    }

    /** The broker's processes on this machine; null when one of them cannot be found (its CPU is then unknown). */
    private List<BrokerProcess> processes()
    {
        final List<BrokerProcess> all = new ArrayList<>();
        for (final java.net.InetSocketAddress address : broker.processAddresses())
        {
            final BrokerProcess process = address.getAddress() != null && address.getAddress().isLoopbackAddress() ?
                BrokerProcess.listeningOn(address.getPort()) : null;
            if (process == null)
            {
                return null;
            }
            all.add(process);
        }
        return all;
    }

    /** Each process's usage now; null when the processes are unknown or one cannot be read. */
    private static List<BrokerProcess.Usage> usage(final List<BrokerProcess> processes)
    {
        if (processes == null)
        {
            return null;
        }
        final List<BrokerProcess.Usage> all = new ArrayList<>();
        for (final BrokerProcess process : processes)
        {
            final BrokerProcess.Usage usage = process.usage();
            if (usage == null)
            {
                return null;
            }
            all.add(usage);
        }
        return all;
    }

    /** CPU used between the readings in percent of one core: user plus system time, or system time alone. */
    private static double cpuPercent(final List<BrokerProcess.Usage> before, final List<BrokerProcess.Usage> after,
        final double seconds, final boolean systemOnly)
    {
        if (before == null || after == null)
        {
            return Double.NaN;
        }
        double used = 0;
        for (int i = 0; i < before.size(); i++)
        {
            used += after.get(i).systemSeconds() - before.get(i).systemSeconds();
            if (!systemOnly)
            {
                used += after.get(i).userSeconds() - before.get(i).userSeconds();
            }
        }
        return used / seconds * 100;
    }

    private static double switchesPerSecond(final List<BrokerProcess.Usage> before,
        final List<BrokerProcess.Usage> after, final double seconds)
    {
        if (before == null || after == null)
        {
            return Double.NaN;
        }
        long switches = 0;
        for (int i = 0; i < before.size(); i++)
        {
            switches += after.get(i).switchesSince(before.get(i));
        }
        return switches / seconds;
    }

    /**
     * Throughput mode: sends as fast as the client takes messages, while every subscriber's outstanding deliveries
     * (sent for it, not yet received) stay within the window; each payload carries its actual send time.
     */
    private void publishFlatOut(final Broker.Publisher publisher, final int index, final long start) throws Exception
    {
        final byte[] payload = Payloads.create(spec.payload());
        final List<Scenario.PlannedMessage> messages = plan.messages();
        final long window = spec.effectiveWindow();
        // Check the window often enough that the messages sent between checks cannot overshoot it by much.
        final long checkMask = Integer.highestOneBit((int)Math.max(1, Math.min(64, window / 4))) - 1;
        final long[] mine = new long[recorders.size()];
        sleepUntil(start);
        long count = 0;
        long deliveries = 0;
        int next = index * 997 % messages.size();
        while (!stop)
        {
            if ((count & checkMask) == 0)
            {
                sent[index].lazySet(count);
                expected[index].lazySet(deliveries);
                for (int s = 0; s < mine.length; s++)
                {
                    expectedBySubscriber[index].lazySet(s, mine[s]);
                }
                if (mostOutstanding() > window)
                {
                    publisher.flush();
                    // Lost deliveries never arrive: stop waiting once nothing has arrived for 50 ms.
                    long progress = System.nanoTime();
                    long seen = received();
                    while (!stop && mostOutstanding() > window && System.nanoTime() - progress < STALL_NANOS)
                    {
                        LockSupport.parkNanos(20_000);
                        final long now = received();
                        if (now != seen)
                        {
                            seen = now;
                            progress = System.nanoTime();
                        }
                    }
                }
            }
            final Scenario.PlannedMessage message = messages.get(next);
            next = next + 1 == messages.size() ? 0 : next + 1;
            Payloads.stamp(payload, System.nanoTime());
            publisher.publish(message.tags(), payload);
            count++;
            deliveries += message.expectedDeliveries();
            for (final int receiver : message.receivers())
            {
                mine[receiver]++;
            }
        }
        publisher.flush();
        sent[index].set(count);
        expected[index].set(deliveries);
    }

    /**
     * Latency mode: sends message i at its {@link FixedRateSchedule} time, stamped with that intended time (not the
     * actual one), until the measured window ends. Flushes whenever it is on schedule; when it has fallen behind, the
     * late messages are sent back to back and still count from their intended times.
     */
    private void publishAtFixedRate(final Broker.Publisher publisher, final int index, final long start,
        final long end) throws Exception
    {
        final byte[] payload = Payloads.create(spec.payload());
        final List<Scenario.PlannedMessage> messages = plan.messages();
        final FixedRateSchedule schedule = new FixedRateSchedule(start, spec.rate(), plan.publishers(), index);
        long deliveries = 0;
        long i = 0;
        int next = index * 997 % messages.size();
        for (long intended = schedule.intendedNanos(0); intended < end && !stop; intended = schedule.intendedNanos(++i))
        {
            sleepUntil(intended);
            final Scenario.PlannedMessage message = messages.get(next);
            next = next + 1 == messages.size() ? 0 : next + 1;
            Payloads.stamp(payload, intended);
            publisher.publish(message.tags(), payload);
            if (schedule.intendedNanos(i + 1) > System.nanoTime())
            {
                publisher.flush(); // caught up: send now; when behind, messages go out together at the next flush
            }
            deliveries += message.expectedDeliveries();
            sent[index].lazySet(i + 1);
            expected[index].lazySet(deliveries);
        }
        publisher.flush();
    }

    /** Waits until every expected delivery arrived, or no progress was made for {@link #DRAIN_NANOS}. */
    private void awaitDeliveries()
    {
        long last = received();
        long progress = System.nanoTime();
        while (last < sum(expected) && System.nanoTime() - progress < DRAIN_NANOS)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            final long now = received();
            if (now != last)
            {
                last = now;
                progress = System.nanoTime();
            }
        }
    }

    /** The largest number of deliveries outstanding for one subscriber connection. */
    private long mostOutstanding()
    {
        long most = 0;
        for (int s = 0; s < recorders.size(); s++)
        {
            long sentFor = 0;
            for (final AtomicLongArray publisher : expectedBySubscriber)
            {
                sentFor += publisher.get(s);
            }
            most = Math.max(most, sentFor - recorders.get(s).received());
        }
        return most;
    }

    private long received()
    {
        long total = 0;
        for (final DeliveryRecorder recorder : recorders)
        {
            total += recorder.received();
        }
        return total;
    }

    private long receivedBytes()
    {
        long total = 0;
        for (final DeliveryRecorder recorder : recorders)
        {
            total += recorder.receivedBytes();
        }
        return total;
    }

    private static long sum(final AtomicLong[] counters)
    {
        long total = 0;
        for (final AtomicLong counter : counters)
        {
            total += counter.get();
        }
        return total;
    }

    private static AtomicLong[] counters(final int n)
    {
        final AtomicLong[] counters = new AtomicLong[n];
        for (int i = 0; i < n; i++)
        {
            counters[i] = new AtomicLong();
        }
        return counters;
    }

    /**
     * Parks until {@code deadline}, spinning only for the last 5 µs. A park oversleeps by the kernel's timer slack
     * (about 50 µs here), so fixed-rate sends can be that late; they still count from their intended time, and the
     * publisher leaves the CPU to the broker instead of spinning on a 2-core machine.
     */
    static void sleepUntil(final long deadline)
    {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0)
        {
            if (remaining > 5_000)
            {
                LockSupport.parkNanos(remaining - 5_000);
            }
            else
            {
                Thread.onSpinWait();
            }
        }
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception ignored)
        {
            // the run is over; a failing close changes no figure
        }
    }
}
