package io.mist.bench;

import io.mist.codec.MistFrame;
import io.mist.engine.ingress.ClientIngress;
import io.mist.engine.ring.Offer;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The run settings every data-path benchmark shares (JMH reads them from the superclass): throughput in ops/s,
 * 3 × 1 s warm-up, 5 × 1 s measurement, one fork with the export Agrona 2 needs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public abstract class DataPathBenchmark
{
    /**
     * Hands {@code frame} to the matcher as a connection's IO thread would, spinning while the inbound ring is full (a
     * connection would stop reading until there is room; a benchmark has nothing else to do).
     */
    static void submitWaitingForRoom(final ClientIngress ingress, final MistFrame frame)
    {
        while (ingress.submit(frame) == Offer.FULL)
        {
            Thread.onSpinWait();
        }
    }
}
