package io.mist.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A raw TCP client speaking mist's wire format by hand, as netcat would. */
final class TestClient implements AutoCloseable
{
    private static final int REPLY_TIMEOUT_MS = 5000;

    private final Socket socket;
    private final OutputStream out;
    private final BufferedReader in;

    TestClient(final InetSocketAddress address) throws IOException
    {
        this(address, 0);
    }

    /** @param receiveBuffer the socket receive buffer in bytes, 0 for the system default. */
    TestClient(final InetSocketAddress address, final int receiveBuffer) throws IOException
    {
        socket = new Socket();
        if (receiveBuffer > 0)
        {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(address, REPLY_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(REPLY_TIMEOUT_MS);
        out = socket.getOutputStream();
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
    }

    /** Sends raw text exactly as given (add the newline yourself where it matters). */
    TestClient sendRaw(final String text) throws IOException
    {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** Sends bytes exactly as given, valid UTF-8 or not. */
    TestClient sendBytes(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends one JSON line. */
    TestClient send(final String json) throws IOException
    {
        return sendRaw(json + "\n");
    }

    /** The next line from the server; fails the test after the timeout. */
    String read() throws IOException
    {
        final String line = in.readLine();
        if (line == null)
        {
            throw new IOException("connection closed by the server");
        }
        return line;
    }

    void expect(final String json) throws IOException
    {
        assertEquals(json, read());
    }

    /** A round trip: once the pong arrives, everything the server sent before it has been read. */
    void sync() throws IOException
    {
        send("{\"command\":\"ping\"}");
        expect("{\"command\":\"ping\",\"data\":\"pong\"}");
    }

    /** Asserts that nothing arrives before a pong round trip (the server keeps per-connection order). */
    void expectNothing() throws IOException
    {
        sync();
    }

    /** Asserts nothing arrives within {@code millis} (for deliveries, which have no round trip to wait on). */
    void expectSilenceFor(final int millis) throws IOException
    {
        socket.setSoTimeout(millis);
        try
        {
            final String line = in.readLine();
            throw new AssertionError("expected nothing, got " + line);
        }
        catch (final SocketTimeoutException expected)
        {
            // nothing arrived
        }
        finally
        {
            socket.setSoTimeout(REPLY_TIMEOUT_MS);
        }
    }

    /** Asserts the server closes the connection (after any lines given). */
    void expectClosed() throws IOException
    {
        assertNull(in.readLine(), "expected the server to close the connection");
    }

    /** Shuts down the sending side, as {@code printf … | nc -q 1} does at the end of its input; reading goes on. */
    TestClient finishSending() throws IOException
    {
        socket.shutdownOutput();
        return this;
    }

    void setTimeout(final int millis) throws IOException
    {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
