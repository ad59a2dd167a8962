package io.mist.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** mist's TCP protocol over a real socket: spec §2.1–§2.4, byte for byte, plus our error replies. */
class TcpProtocolTest
{
    private static final String PONG = "{\"command\":\"ping\",\"data\":\"pong\"}";
    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws Exception
    {
        fixture = new ServerFixture(64 * 1024, 4096);
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    @Test
    void pingAnswersPong() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send("{\"command\":\"ping\",\"tags\":[\"ignored\"],\"data\":\"ignored\"}");
            c.expect(PONG);
        }
    }

    @Test
    void aClientThatStopsSendingGetsItsRepliesThenTheClose() throws IOException
    {
        // printf '…' | nc -q 1 host 1445: nc shuts down its sending side at the end of its input, then reads.
        try (TestClient c = fixture.connect())
        {
            c.sendRaw("{\"command\":\"subscribe\",\"tags\":[\"half\"]}\n{\"command\":\"list\"}\n" +
                "{\"command\":\"ping\"}\n").finishSending();
            c.expect("{\"command\":\"list\",\"data\":\"half\"}");
            c.expect("{\"command\":\"ping\",\"data\":\"pong\"}");
            c.expectClosed();
        }
        try (TestClient c = fixture.connect())
        {
            c.sendRaw("ping\n").finishSending(); // the legacy text protocol too
            c.expect("pong");
            c.expectClosed();
        }
        try (TestClient c = fixture.connect())
        {
            c.sync();
            c.send("{\"command\":\"listall\"}");
            c.expect("{\"command\":\"listall\"}"); // the half-closed client's subscription went with it
        }
    }

    @Test
    void specSessionWithoutAuthenticator() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send("{\"command\":\"subscribe\",\"tags\":[\"b\",\"a\"]}");
            c.send("{\"command\":\"list\"}");
            c.expect("{\"command\":\"list\",\"data\":\"a,b\"}");
            c.send("{\"command\":\"subscribe\",\"tags\":[\"c\"]}");
            c.send("{\"command\":\"list\",\"tags\":[\"q\"]}");
            c.expect("{\"command\":\"list\",\"tags\":[\"q\"],\"data\":\"ca,b\"}");
            c.send("{\"command\":\"foo\",\"tags\":[\"x\"],\"data\":\"d\"}");
            c.expect("{\"command\":\"foo\",\"tags\":[\"x\"],\"data\":\"d\",\"error\":\"Unknown Command\"}");
            c.send("{\"tags\":[\"x\"]}");
            c.expect("{\"command\":\"\",\"tags\":[\"x\"],\"error\":\"Unknown Command\"}");
            c.send("null");
            c.expect("{\"command\":\"\",\"error\":\"Unknown Command\"}");
            c.send("{\"command\":\"register\",\"data\":\"x\"}");
            c.expect("{\"command\":\"register\",\"data\":\"x\",\"error\":\"Unknown Command\"}");
            c.send("{\"command\":\"foo\",\"data\":\"h\\u00e9<>&\"}");
            c.expect("{\"command\":\"foo\",\"data\":\"h\u00e9\\u003c\\u003e\\u0026\",\"error\":\"Unknown Command\"}");
        }
    }

    @Test
    void subscribeUnsubscribePublishAndAuthAreSilent() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send("{\"command\":\"subscribe\",\"tags\":[\"s\"]}");
            c.send("{\"command\":\"subscribe\"}");
            c.send("{\"command\":\"unsubscribe\",\"tags\":[\"nope\"]}");
            c.send("{\"command\":\"unsubscribe\",\"tags\":[\"s\"]}");
            c.send("{\"command\":\"publish\",\"tags\":[\"s\"],\"data\":\"x\"}");
            c.send("{\"command\":\"publish\",\"data\":\"no tags\"}");
            c.send("{\"command\":\"auth\",\"data\":\"whatever\"}");
            c.expectNothing();
        }
    }

    @Test
    void listWithoutSubscriptionsOmitsData() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send("{\"command\":\"list\"}");
            c.expect("{\"command\":\"list\"}");
        }
    }

    @Test
    void memberNamesAreCaseInsensitive() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send("{\"COMMAND\":\"ping\"}");
            c.expect(PONG);
        }
    }

    @Test
    void framingAcceptsBlankLinesSplitObjectsAndSeveralPerLine() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.sendRaw("\n\n   \r\n{\"command\":\n\"ping\"}\n{\"command\":\"ping\"}{\"command\":\"ping\"}\n");
            c.expect(PONG);
            c.expect(PONG);
            c.expect(PONG);
            c.sendRaw("{\"command\":\"pi");
            c.sendRaw("ng\"}"); // complete without a trailing newline
            c.expect(PONG);
        }
    }

    @Test
    void aPublishCutOffInsideItsDataIsDeliveredWholeOnceTheRestArrives() throws Exception
    {
        try (ServerFixture big = new ServerFixture(1 << 20, 256 * 1024); TestClient r = big.connect();
            TestClient s = big.connect())
        {
            r.send("{\"command\":\"subscribe\",\"tags\":[\"pieces\"]}");
            r.sync();
            final String data = "p".repeat(20_000);
            final String line = "{\"command\":\"publish\",\"tags\":[\"pieces\"],\"data\":\"" + data + "\"}";
            // Cut inside the data, more data without its quote, then the rest: each piece a read of its own.
            final int first = line.indexOf(data) + 100;
            final int second = line.indexOf(data) + 15_000;
            s.sendRaw(line.substring(0, first));
            Thread.sleep(50);
            s.sendRaw(line.substring(first, second));
            Thread.sleep(50);
            s.sendRaw(line.substring(second) + "\n");
            r.expect(line);

            // Without a newline after it (the next request follows on the same line), it is delivered all the same.
            s.sendRaw(line.substring(0, first));
            Thread.sleep(50);
            s.sendRaw(line.substring(first) + "{\"command\":\"ping\"}");
            s.expect(PONG);
            r.expect(line);

            // Trickled in more pieces than the one-pass reader waits for (then the scanner reads it), and cut inside
            // its tags and fixed parts: delivered whole either way.
            final int[] cuts = { 5, 27, 33, 38, 45, 60, 2_000, 9_000, 19_000, line.length() - 1 };
            int from = 0;
            for (final int cut : cuts)
            {
                s.sendRaw(line.substring(from, cut));
                Thread.sleep(20);
                from = cut;
            }
            s.sendRaw(line.substring(from) + "\n");
            r.expect(line);

            // Data that turns out to need the general parser (an escape in the second piece) is delivered too.
            s.sendRaw(line.substring(0, first));
            Thread.sleep(50);
            s.sendRaw("\\u0041" + line.substring(first) + "\n");
            r.expect(line.substring(0, first) + "A" + line.substring(first));
            s.sync();
        }
    }

    @Test
    void aPublishCutOffInsideItsDataIsRefusedOnceItPassesTheFrameLimit() throws Exception
    {
        try (TestClient c = fixture.connect())
        {
            // The limit here is 4096 bytes: the data never closes, yet the refusal comes without waiting for it.
            c.sendRaw("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"" + "x".repeat(1000));
            Thread.sleep(50);
            c.sendRaw("x".repeat(5000));
            c.expect("{\"command\":\"\",\"error\":\"frame exceeds the maximum frame size of 4096 bytes\"}");
            c.sendRaw("\"}\n");
            c.sync();
        }
    }

    @Test
    void badJsonGetsAnErrorReplyAndTheStreamResynchronisesAtTheNextNewline() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send("{\"command\":pi}");
            final String reply = c.read();
            assertTrue(reply.startsWith("{\"command\":\"\",\"error\":\"invalid JSON"), reply);
            c.send("hello");
            assertTrue(c.read().contains("\"error\":\"invalid message: expected a JSON object\""));
            c.sync();
        }
    }

    @Test
    void wrongMemberTypeNamesTheMemberAndKeepsTheCommand() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send("{\"command\":\"publish\",\"tags\":\"a\"}");
            c.expect("{\"command\":\"publish\",\"error\":\"invalid message: 'tags' must be an array of strings\"}");
            c.send("{\"command\":\"ping\",\"data\":5}");
            c.expect("{\"command\":\"ping\",\"error\":\"invalid message: 'data' must be a string\"}");
            c.sync();
        }
    }

    @Test
    void restOfTheLineAfterABadFrameIsSkipped() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.sync(); // a JSON connection (a first byte other than '{' or 'n' would choose the legacy text protocol)
            c.send("[1]{\"command\":\"ping\"}");
            assertTrue(c.read().contains("expected a JSON object"));
            c.expectNothing(); // the ping on the bad line was skipped
        }
    }

    @Test
    void frameOverTheLimitGetsAnErrorAndTheConnectionRecovers() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"" + "x".repeat(5000) + "\"}");
            c.expect("{\"command\":\"\",\"error\":\"frame exceeds the maximum frame size of 4096 bytes\"}");
            c.sync();
        }
    }

    @Test
    void badFrameWithoutANewlineClosesTheConnectionAfterSayingWhy() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.sendRaw("{\"bad\":x}" + "y".repeat(5000));
            assertTrue(c.read().contains("invalid JSON"));
            c.expect("{\"command\":\"\",\"error\":\"closing connection: no newline within 4096 bytes after a bad frame\"}");
            c.expectClosed();
        }
        try (TestClient other = fixture.connect())
        {
            other.sync(); // the server is unharmed
        }
    }

    @Test
    void deeplyNestedFrameIsRefused() throws IOException
    {
        try (TestClient c = fixture.connect())
        {
            c.send("{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}");
            assertTrue(c.read().contains("nested deeper than 64 levels"));
            c.sync();
        }
    }

    @Test
    void messageWithThousandsOfTagsIsDeliveredAndTheConnectionCarriesOn() throws Exception
    {
        try (ServerFixture big = new ServerFixture(1 << 20, 256 * 1024); TestClient r = big.connect();
            TestClient s = big.connect())
        {
            r.send("{\"command\":\"subscribe\",\"tags\":[\"t4999\",\"t0\"]}");
            r.sync();
            final StringBuilder tags = new StringBuilder();
            for (int i = 0; i < 5000; i++)
            {
                tags.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
            }
            s.send("{\"command\":\"publish\",\"tags\":[" + tags + "],\"data\":\"many\"}");
            final String delivery = r.read();
            assertTrue(delivery.startsWith("{\"command\":\"publish\",\"tags\":[\"t0\",\"t1\",\"t10\",\"t100\","), delivery);
            assertTrue(delivery.endsWith("\"t999\"],\"data\":\"many\"}"), delivery);
            s.send("{\"command\":\"publish\",\"tags\":[\"t0\",\"t4999\"],\"data\":\"few\"}");
            r.expect("{\"command\":\"publish\",\"tags\":[\"t0\",\"t4999\"],\"data\":\"few\"}");
        }
    }

    @Test
    void illFormedUtf8AmongLongDataIsDeliveredAsReplacementCharacters() throws Exception
    {
        try (TestClient r = fixture.connect(); TestClient s = fixture.connect())
        {
            r.send("{\"command\":\"subscribe\",\"tags\":[\"utf\"]}");
            r.sync();
            final String ascii = "x".repeat(2000);
            final byte[] head = ("{\"command\":\"publish\",\"tags\":[\"utf\"],\"data\":\"" + ascii)
                .getBytes(StandardCharsets.UTF_8);
            final byte[] tail = "yy\"}\n".getBytes(StandardCharsets.UTF_8);
            final byte[] frame = new byte[head.length + 4 + tail.length];
            System.arraycopy(head, 0, frame, 0, head.length);
            Arrays.fill(frame, head.length, head.length + 4, (byte)0x87);
            System.arraycopy(tail, 0, frame, head.length + 4, tail.length);
            s.sendBytes(frame);
            r.expect("{\"command\":\"publish\",\"tags\":[\"utf\"],\"data\":\"" + ascii + "\uFFFD".repeat(4) +
                "yy\"}");
            s.sync(); // the publisher's connection carries on
        }
    }

    @Test
    void tooLargeToDeliverIsRefusedToThePublisher() throws Exception
    {
        // 4000 '<' are 4 KB in, 24 KB escaped out: above half of a 16 KiB client buffer.
        try (ServerFixture small = new ServerFixture(16 * 1024, 8 * 1024); TestClient c = small.connect())
        {
            c.send("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"" + "<".repeat(4000) + "\"}");
            final String reply = c.read();
            assertTrue(reply.startsWith("{\"command\":\"publish\",\"error\":\"Message too large - "), reply);
            c.sync();
        }
    }
}
