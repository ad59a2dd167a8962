package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.transport.SocketTuning;
import io.mist.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A TCP subscriber that reads slowly gets every frame byte for byte and in order: when its socket (small send and
 * receive buffers here) takes only part of a write, the rest follows before anything after it, and frames of a few
 * bytes to several ring records each come out whole.
 */
class TcpSlowReaderTest
{
    private static final int MESSAGES = 300;
    private static final String PREFIX = "{\"command\":\"publish\",\"tags\":[\"slow\"],\"data\":\"";

    @Test
    void everyFrameArrivesWholeAndInOrder() throws Exception
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tcp://127.0.0.1:0")), LogLevel.INFO,
                new EngineConfig(1024, EngineConfig.DEFAULT_WAIT_STRATEGY, 16 << 20),
                new TransportConfig(128 << 10, 2).withSocketTuning(new SocketTuning(true, 8192, 0,
                    SocketTuning.DEFAULT_WRITE_BATCH, SocketTuning.DEFAULT_READ_SIZE)));
            try (ServerFixture fixture = new ServerFixture(new MistServer(config).start());
                Socket subscriber = new Socket();
                TestClient publisher = fixture.connect())
            {
                subscriber.setReceiveBufferSize(4096);
                subscriber.setSoTimeout(10_000); // a frame lost on the way fails here rather than at the timeout
                subscriber.connect(fixture.address);
                final OutputStream out = subscriber.getOutputStream();
                final InputStream in = subscriber.getInputStream();
                out.write("{\"command\":\"subscribe\",\"tags\":[\"slow\"]}\n{\"command\":\"ping\"}\n"
                    .getBytes(StandardCharsets.UTF_8));
                out.flush();
                final String pong = "{\"command\":\"ping\",\"data\":\"pong\"}\n";
                assertEquals(pong, new String(in.readNBytes(pong.length()), StandardCharsets.UTF_8));

                final Random random = new Random(11);
                final StringBuilder expected = new StringBuilder();
                final StringBuilder batch = new StringBuilder();
                for (int i = 0; i < MESSAGES; i++)
                {
                    final int size = random.nextInt(10) == 0 ? 20_000 + random.nextInt(40_000) : 1 + random.nextInt(3000);
                    final StringBuilder data = new StringBuilder(size).append(i).append(':');
                    while (data.length() < size)
                    {
                        data.append((char)('a' + (data.length() + i) % 26));
                    }
                    final String frame = PREFIX + data + "\"}\n";
                    expected.append(frame);
                    batch.append(frame);
                }
                publisher.sendRaw(batch.toString());
                publisher.sync();

                final byte[] want = expected.toString().getBytes(StandardCharsets.UTF_8);
                final ByteArrayOutputStream got = new ByteArrayOutputStream(want.length);
                final byte[] chunk = new byte[2048];
                int reads = 0;
                while (got.size() < want.length)
                {
                    final int n = in.read(chunk, 0, Math.min(chunk.length, want.length - got.size()));
                    if (n < 0)
                    {
                        break;
                    }
                    got.write(chunk, 0, n);
                    if (++reads % 8 == 0)
                    {
                        Thread.sleep(1); // slower than the server writes: its socket buffer fills again and again
                    }
                }
                assertEquals(0, fixture.server.engine().counters().clientDropped.get(), "nothing dropped");
                final String received = got.toString(StandardCharsets.UTF_8);
                final String[] wantLines = expected.toString().split("\n");
                final String[] gotLines = received.split("\n", -1);
                for (int i = 0; i < wantLines.length; i++)
                {
                    assertEquals(wantLines[i], gotLines[i], "frame " + i);
                }
                assertEquals(expected.toString(), received);
            }
        });
    }
}
