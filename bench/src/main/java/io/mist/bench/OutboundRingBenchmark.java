package io.mist.bench;

import io.mist.engine.outbound.OutboundRing;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Enqueue on a client's outbound ring (the matcher's per-receiver cost) and the drain of it, in one thread:
 * 16 frames of 128 bytes offered, then drained. Reports frames per second.
 */
@State(Scope.Thread)
public class OutboundRingBenchmark extends DataPathBenchmark
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
