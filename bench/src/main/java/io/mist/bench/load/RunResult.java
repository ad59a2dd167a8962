package io.mist.bench.load;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one broker did in one run (or, from {@link #median}, in several rounds). Rates and CPU are over the measured
 * window; counts over the whole run (warm-up included) after the deliveries in flight were waited for.
 *
 * @param published messages published per second.
 * @param delivered deliveries received per second, summed over subscribers.
 * @param deliveredBytes payload bytes received per second.
 * @param expected deliveries the messages sent should have produced.
 * @param received deliveries received.
 * @param latency nanoseconds from intended send time to arrival (latency mode), else null.
 * @param brokerCpu the broker process's CPU use in the measured window, in percent of one core; NaN when its process
 *     could not be found (not on this machine, or not Linux).
 * @param note why the broker was not run, or null.
 * @param brokerSystemCpu the part of {@code brokerCpu} spent in the kernel (system time), in percent of one core; NaN
 *     when unknown.
 * @param brokerSwitches the broker's threads' context switches (voluntary and involuntary) per second in the measured
 *     window; NaN when unknown.
 * @param rounds the rounds a {@link #median} was taken of, in order, those that did not run included (each broker's
 *     round i ran beside the others' round i); empty for one run.
 */
public record RunResult(String broker, double published, double delivered, double deliveredBytes, long sent,
    long expected, long received, Histogram latency, double brokerCpu, String note, double brokerSystemCpu,
    double brokerSwitches, List<RunResult> rounds)
{
    /** One run's result. */
    public RunResult(final String broker, final double published, final double delivered, final double deliveredBytes,
        final long sent, final long expected, final long received, final Histogram latency, final double brokerCpu,
        final String note, final double brokerSystemCpu, final double brokerSwitches)
    {
        this(broker, published, delivered, deliveredBytes, sent, expected, received, latency, brokerCpu, note,
            brokerSystemCpu, brokerSwitches, List.of());
    }

    /** A result without the kernel's share of the CPU or the context switches. */
    public RunResult(final String broker, final double published, final double delivered, final double deliveredBytes,
        final long sent, final long expected, final long received, final Histogram latency, final double brokerCpu,
        final String note)
    {
        this(broker, published, delivered, deliveredBytes, sent, expected, received, latency, brokerCpu, note,
            Double.NaN, Double.NaN);
    }

    /** Deliveries the broker lost (or that had not arrived when the run gave up waiting). */
    public long lost()
    {
        return Math.max(0, expected - received);
    }

    /** Broker CPU time per delivered message, in microseconds; NaN when the CPU is unknown or nothing arrived. */
    public double cpuMicrosPerDelivery()
    {
        return delivered > 0 ? brokerCpu / 100 * 1e6 / delivered : Double.NaN;
    }

    /** The share of the broker's CPU time spent in the kernel, in percent; NaN when unknown. */
    public double systemSharePercent()
    {
        return brokerCpu > 0 ? brokerSystemCpu / brokerCpu * 100 : Double.NaN;
    }

    /** The broker's context switches per delivered message; NaN when unknown or nothing arrived. */
    public double switchesPerDelivery()
    {
        return delivered > 0 ? brokerSwitches / delivered : Double.NaN;
    }

    /** A broker that cannot express the scenario, or could not be reached. */
    public static RunResult skipped(final String broker, final String note)
    {
        return new RunResult(broker, 0, 0, 0, 0, 0, 0, null, Double.NaN, note);
    }

    public boolean ran()
    {
        return note == null;
    }

    /** The rounds behind this result: {@link #rounds}, or this result alone when it is one run's. */
    public List<RunResult> roundsOrSelf()
    {
        return rounds.isEmpty() ? List.of(this) : rounds;
    }

    /**
     * One broker's rounds as one result: the median of each rate, of the CPU and of the switches, the counts summed,
     * the latency histograms merged, the rounds kept ({@link #rounds}). Rounds that did not run are left out of the
     * figures; when none ran, the first one's note stands, and when one ran, it stands alone.
     */
    public static RunResult median(final List<RunResult> rounds)
    {
        final List<RunResult> ran = new ArrayList<>();
        for (final RunResult round : rounds)
        {
            if (round.ran())
            {
                ran.add(round);
            }
        }
        if (ran.isEmpty())
        {
            return rounds.get(0);
        }
        if (ran.size() == 1)
        {
            return ran.get(0);
        }
        Histogram latency = null;
        long sent = 0;
        long expected = 0;
        long received = 0;
        final double[] published = new double[ran.size()];
        final double[] delivered = new double[ran.size()];
        final double[] bytes = new double[ran.size()];
        final double[] cpu = new double[ran.size()];
        final double[] systemCpu = new double[ran.size()];
        final double[] switches = new double[ran.size()];
        for (int i = 0; i < ran.size(); i++)
        {
            final RunResult r = ran.get(i);
            published[i] = r.published();
            delivered[i] = r.delivered();
            bytes[i] = r.deliveredBytes();
            cpu[i] = r.brokerCpu();
            systemCpu[i] = r.brokerSystemCpu();
            switches[i] = r.brokerSwitches();
            sent += r.sent();
            expected += r.expected();
            received += r.received();
            if (r.latency() != null)
            {
                if (latency == null)
                {
                    latency = new Histogram(r.latency().getLowestDiscernibleValue(),
                        r.latency().getHighestTrackableValue(), r.latency().getNumberOfSignificantValueDigits());
                }
                latency.add(r.latency());
            }
        }
        return new RunResult(ran.get(0).broker(), median(published), median(delivered), median(bytes), sent, expected,
            received, latency, median(cpu), null, median(systemCpu), median(switches), List.copyOf(rounds));
    }

    /** The median (the mean of the middle two for an even count); NaN when any value is NaN. */
    static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (final double value : sorted)
        {
            if (Double.isNaN(value))
            {
                return Double.NaN;
            }
        }
        final int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
