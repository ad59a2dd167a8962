package io.mist.bench;

import io.mist.engine.outbound.OutboundRing;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Enqueue on a client's outbound ring (the matcher's per-receiver cost) and the drain of it, in one thread:
 * 16 frames of 128 bytes offered, then drained. Reports frames per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class OutboundRingBenchmark
{
    private static final int BATCH = 16;

    private final OutboundRing ring = new OutboundRing(1 << 20);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[128]);
    private long drainedBytes;
    private final ControlledMessageHandler drain = (type, buffer, index, length) ->
    {
        drainedBytes += buffer.getByte(index) + length;
        return ControlledMessageHandler.Action.CONTINUE;
    };

    @Setup
    public void setUp()
    {
        frame.setMemory(0, 128, (byte)'x');
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(BATCH)
    public long offerThenDrain()
    {
        for (int i = 0; i < BATCH; i++)
        {
            ring.offer(frame, 0, 128);
        }
        ring.drain(drain, Integer.MAX_VALUE);
        return drainedBytes;
    }
}
