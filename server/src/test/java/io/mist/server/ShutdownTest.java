package io.mist.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stopping the server writes out what it had already queued for its clients before closing them. */
class ShutdownTest
{
    /** About 10 MB: more than the kernel's socket buffers (up to 4 MB here), which would deliver it after a close. */
    private static final int MESSAGES = 120_000;
    private static final int READ_BEFORE_SHUTDOWN = 1_000;

    @Test
    void queuedDeliveriesAreWrittenBeforeTheConnectionsClose() throws Exception
    {
        final ServerFixture fixture = new ServerFixture(16 << 20, 64 * 1024);
        try (TestClient subscriber = new TestClient(fixture.address, 4096); TestClient publisher = fixture.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"bye\"]}");
            subscriber.sync();
            final StringBuilder burst = new StringBuilder();
            for (int i = 0; i < MESSAGES; i++)
            {
                burst.append("{\"command\":\"publish\",\"tags\":[\"bye\"],\"data\":\"").append(i)
                    .append(" 0123456789012345678901234567890123456789\"}\n");
            }
            publisher.sendRaw(burst.toString());
            publisher.sync(); // the matcher has queued every message for the subscriber

            int received = 0;
            while (received < READ_BEFORE_SHUTDOWN)
            {
                subscriber.read();
                received++;
            }
            // Shut down while most of the queue is still in the server, and keep reading meanwhile.
            final Thread shutdown = new Thread(fixture::close, "test-shutdown");
            shutdown.start();
            received += countUntilClosed(subscriber);
            shutdown.join();
            assertEquals(MESSAGES, received);
        }
        finally
        {
            fixture.close();
        }
    }

    /** Reads until the server closes, pausing now and then, so shutdown overlaps the transfer. */
    private static int countUntilClosed(final TestClient client) throws InterruptedException
    {
        int count = 0;
        try
        {
            while (true)
            {
                client.read();
                if (++count % 500 == 0)
                {
                    Thread.sleep(1);
                }
            }
        }
        catch (final IOException closed)
        {
            return count;
        }
    }
}
