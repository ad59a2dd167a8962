package io.mist.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** mist's pre-1.0 line protocol on the TCP listener, chosen by a connection's first byte, on the same engine. */
class LegacyTextProtocolTest
{
    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws StartupException
    {
        fixture = new ServerFixture();
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    @Test
    void pingListSubscribeUnsubscribe() throws IOException
    {
        try (TestClient legacy = fixture.connect())
        {
            legacy.sendRaw("ping\n");
            legacy.expect("pong");
            legacy.sendRaw("subscribe b,a\nsubscribe solo\nlist\n");
            legacy.expect("list solo a,b");
            legacy.sendRaw("unsubscribe a,b\r\nlist\r\n");
            legacy.expect("list solo");
            legacy.sendRaw("unsubscribe solo\n\nlist\n");
            legacy.expect("list ");
        }
    }

    @Test
    void deliveriesCrossBetweenTheTwoProtocols() throws IOException
    {
        try (TestClient legacy = fixture.connect(); TestClient json = fixture.connect())
        {
            legacy.sendRaw("subscribe news\nping\n");
            legacy.expect("pong");
            json.send("{\"command\":\"subscribe\",\"tags\":[\"old\",\"school\"]}").sync();

            json.send("{\"command\":\"publish\",\"tags\":[\"sport\",\"news\"],\"data\":\"two\\nlines <b>\"}");
            legacy.expect("publish news,sport two\\nlines <b>");

            legacy.sendRaw("publish school,old data with  spaces\n");
            json.expect("{\"command\":\"publish\",\"tags\":[\"old\",\"school\"],\"data\":\"data with  spaces\"}");
            legacy.sendRaw("ping\n");
            legacy.expect("pong"); // never its own publish
        }
    }

    @Test
    void errorsAsMistZero() throws IOException
    {
        try (TestClient legacy = fixture.connect())
        {
            legacy.sendRaw("  \n  hello there\n");
            legacy.expect("error Unknown command 'hello'");
            legacy.sendRaw("publish onlytags\n");
            legacy.expect("error Incorrect number of arguments for 'publish'");
            legacy.sendRaw("ping extra\n");
            legacy.expect("error Incorrect number of arguments for 'ping'");
            legacy.sendRaw("who\n");
            legacy.expect("error Unknown command 'who'");
            legacy.sendRaw("ping\n");
            legacy.expect("pong");
        }
    }

    @Test
    void aListTooLargeForTheClientBufferIsAnError() throws Exception
    {
        try (ServerFixture small = new ServerFixture(4096, 1024); TestClient legacy = small.connect())
        {
            for (int i = 0; i < 30; i++)
            {
                legacy.sendRaw("subscribe " + i + "x".repeat(100) + "\n");
            }
            legacy.sendRaw("list\n");
            final String reply = legacy.read();
            assertTrue(reply.startsWith("error Reply too large - "), reply);
            legacy.sendRaw("ping\n");
            legacy.expect("pong");
        }
    }

    @Test
    void aJsonConnectionIsNotMistakenForLegacy() throws IOException
    {
        try (TestClient json = fixture.connect())
        {
            json.sendRaw("\n  null\n");
            json.expect("{\"command\":\"\",\"error\":\"Unknown Command\"}");
            json.sync();
        }
    }
}
