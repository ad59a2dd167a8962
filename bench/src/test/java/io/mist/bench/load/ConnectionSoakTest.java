package io.mist.bench.load;

import io.mist.server.MistServer;
import io.mist.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The robustness harnesses against a real server in this JVM, at a size that fits the normal test run: many TCP and
 * WebSocket subscribers held with traffic get every delivery and none is dropped ({@code mist-bench hold}), and
 * clients that vanish in every bad way leave no connection or subscription behind ({@code mist-bench churn}). The
 * full-size runs (10,000 connections for a minute, a minute of churn) are {@code bench/robustness}.
 */
class ConnectionSoakTest
{
    private static MistServer server;

    @BeforeAll
    static void start() throws Exception
    {
        server = new MistServer(ServerConfig.withListeners("tcp://127.0.0.1:0", "ws://127.0.0.1:0",
            "http://127.0.0.1:0")).start();
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static String hostPort(final String scheme)
    {
        final InetSocketAddress address = server.firstAddress(scheme);
        return address.getHostString() + ":" + address.getPort();
    }

    @Test
    void manyTcpAndWebSocketSubscribersGetEveryDelivery()
    {
        final long droppedBefore = server.engine().counters().clientDropped.get();
        final int exit = new CommandLine(new HoldCommand()).execute("--tcp", hostPort("tcp"),
            "--ws", "ws://" + hostPort("ws") + "/subscribe/websocket", "--metrics",
            "http://" + hostPort("http") + "/metrics", "--tcp-connections", "300", "--ws-connections", "300",
            "--duration", "3", "--rate", "300");
        assertEquals(0, exit, "every subscriber stayed connected and received every delivery (see the output)");
        assertEquals(droppedBefore, server.engine().counters().clientDropped.get());
    }

    @Test
    void clientsThatVanishLeaveNothingBehind()
    {
        final int exit = new CommandLine(new ChurnCommand()).execute("--tcp", hostPort("tcp"), "--metrics",
            "http://" + hostPort("http") + "/metrics", "--clients", "100", "--duration", "3");
        assertEquals(0, exit, "connections and subscriptions returned to where they started (see the output)");
    }
}
