package io.mist.engine.outbound;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client ring that must grow when the JVM's direct memory limit is reached drops the message (as a full ring
 * does) instead of throwing on the matcher thread. Run in a JVM of its own with a small
 * {@code -XX:MaxDirectMemorySize}.
 */
class DirectMemoryLimitTest
{
    @Test
    void growthBeyondTheDirectMemoryLimitDropsInsteadOfThrowing() throws Exception
    {
        final Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:MaxDirectMemorySize=4m", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            DirectMemoryLimitTest.class.getName()).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("dropped at the limit; after freeing, grew again"), output);
    }

    /** In the small JVM: fill a ring that may grow to 8 MiB while most of the 4 MiB limit is taken. */
    public static void main(final String[] args)
    {
        ByteBuffer taken = ByteBuffer.allocateDirect(3 * 1024 * 1024);
        final OutboundRing ring = new OutboundRing(8 * 1024 * 1024);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1000]);
        int accepted = 0;
        while (ring.offer(frame, 0, frame.capacity()))
        {
            accepted++;
            if (accepted > 100_000)
            {
                throw new AssertionError("never reached the direct memory limit");
            }
        }
        taken = null; // give the memory back; the next message may grow the ring again
        System.gc();
        boolean grew = false;
        for (int i = 0; i < 50 && !grew; i++)
        {
            grew = ring.offer(frame, 0, frame.capacity());
            System.gc();
        }
        if (!grew)
        {
            throw new AssertionError("did not grow again after the memory was freed");
        }
        System.out.println("accepted " + accepted + " frames, dropped at the limit; after freeing, grew again");
    }
}
