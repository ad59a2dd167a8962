package io.mist.server;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real process: {@code mist --server} starts, serves, and stops cleanly on SIGTERM. */
class ServerProcessTest
{
    @Test
    void startsServesAndShutsDownOnSigterm() throws Exception
    {
        final String all;
        final int status;
        try (ServerProcess process = ServerProcess.start("--server", "--listeners",
            "tcp://127.0.0.1:0,ws://0.0.0.0:0,bogus://127.0.0.1:1"))
        {
            final int port = process.awaitPort("TCP");
            try (TestClient client = new TestClient(new InetSocketAddress("127.0.0.1", port)))
            {
                client.sync();
            }
            status = process.terminate();
            all = process.log();
        }
        assertEquals(143, status, "exit status after SIGTERM (128 + 15); log:\n" + all);
        assertTrue(all.contains("WS server listening at '0.0.0.0:"), "the host as given, not 0:0:0:0:0:0:0:0\n" + all);
        assertTrue(all.contains("Unsupported scheme 'bogus'"), all);
        assertTrue(all.contains("Shutting down..."), all);
        assertFalse(all.contains("Exception"), all);
    }
}
