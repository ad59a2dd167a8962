package io.mist.server;

import io.mist.auth.AccessControl;
import io.mist.engine.Engine;
import io.mist.engine.EngineConfig;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large messages, which the matcher queues once for all their receivers (shared frames): every transport writes them
 * whole and in order among small ones, a slow receiver still loses only its own newest, and nothing stays held once
 * the receivers have them or are gone.
 */
@Timeout(60) // a frame the drain cannot take stalls its client: fail rather than hang
class LargeMessageTest
{
    @Test
    void largeAndSmallMessagesReachEveryTransportWholeAndInOrder() throws Exception
    {
        final ServerConfig config = new ServerConfig(
            List.of(ListenerUri.parse("tcp://127.0.0.1:0"), ListenerUri.parse("ws://127.0.0.1:0")), LogLevel.INFO,
            new EngineConfig(1024, EngineConfig.DEFAULT_WAIT_STRATEGY, 16 << 20), new TransportConfig(4 << 20, 2));
        try (ServerFixture fixture = new ServerFixture(new MistServer(config, AccessControl.OPEN).start());
             TestClient json = fixture.connect(); TestClient legacy = fixture.connect();
             TestClient publisher = fixture.connect();
             WsTestClient browser = WsTestClient.connect(fixture.uri("ws").resolve("/subscribe/websocket")))
        {
            json.send("{\"command\":\"subscribe\",\"tags\":[\"big\"]}").sync();
            legacy.sendRaw("subscribe big\nping\n");
            legacy.expect("pong");
            browser.send("{\"command\":\"subscribe\",\"tags\":[\"big\"]}").sync();

            // 16 KiB ones, small ones between them, and some larger than a ring record and a write batch.
            final List<String> data = new ArrayList<>();
            for (int i = 0; i < 60; i++)
            {
                final int size = i % 20 == 19 ? 1_500_000 : i % 3 == 0 ? 10 : 16 * 1024;
                data.add(i + "-" + Character.toString('a' + i % 26).repeat(size));
            }
            for (final String d : data)
            {
                publisher.send("{\"command\":\"publish\",\"tags\":[\"big\"],\"data\":\"" + d + "\"}");
            }
            for (final String d : data)
            {
                final String expected = "{\"command\":\"publish\",\"tags\":[\"big\"],\"data\":\"" + d + "\"}";
                assertTrue(expected.equals(json.read()), "TCP: message " + d.substring(0, 3) + " whole, in order");
                assertTrue(expected.concat("\n").equals(browser.read()),
                    "WebSocket: message " + d.substring(0, 3) + " whole, in order");
                assertTrue(("publish big " + d).equals(legacy.read()),
                    "legacy text: message " + d.substring(0, 3) + " whole, in order");
            }
            final Engine engine = fixture.server.engine();
            assertEquals(0, engine.counters().clientDropped.get());
            Eventually.await("shared bytes once every receiver wrote them", () -> engine.payloadPool().sharedBytes(),
                0, 5);
            assertEquals(0, engine.sharedFrames().inUse());
        }
    }

    @Test
    void aStalledReceiverDropsItsOwnNewestAndWhatItHeldIsGivenBackWhenItGoes() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture(1 << 20, 64 * 1024);
             TestClient fast = fixture.connect(); TestClient publisher = fixture.connect())
        {
            final Engine engine = fixture.server.engine();
            final TestClient stalled = new TestClient(fixture.address, 4096);
            stalled.send("{\"command\":\"subscribe\",\"tags\":[\"big\"]}").sync();
            fast.send("{\"command\":\"subscribe\",\"tags\":[\"big\"]}").sync();
            final int messages = 600;
            final String data = "y".repeat(16 * 1024);
            for (int i = 0; i < messages; i++)
            {
                publisher.send("{\"command\":\"publish\",\"tags\":[\"big\"],\"data\":\"" + i + data + "\"}");
                // the fast receiver keeps up; the stalled one never reads
                assertTrue(("{\"command\":\"publish\",\"tags\":[\"big\"],\"data\":\"" + i + data + "\"}")
                    .equals(fast.read()), "message " + i + " reaches the fast receiver");
            }
            // The stalled receiver holds what fits its 1 MiB queue (and its socket's buffers), and no more: messages of
            // 16 KiB and a bit, each in an array of 32 KiB.
            final long dropped = engine.counters().clientDropped.get();
            assertTrue(dropped > 0, "the stalled receiver's queue must have overflowed");
            final long held = engine.payloadPool().sharedBytes();
            assertTrue(held > 0 && held <= 2 << 20, held + " bytes held for it");

            stalled.close();
            Eventually.await("shared bytes once the stalled receiver is gone",
                () -> engine.payloadPool().sharedBytes(), 0, 5);
            assertEquals(0, engine.sharedFrames().inUse());
        }
    }
}
