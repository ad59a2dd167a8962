package io.mist.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A real WebSocket client (the JDK's) collecting each text message the server sends, for tests. */
final class WsTestClient implements AutoCloseable, WebSocket.Listener
{
    private static final int TIMEOUT_S = 5;

    final WebSocket socket;
    /** Whether the client asks for the next message by itself; if not, only {@link #request} lets messages in. */
    private final boolean reading;
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final CompletableFuture<ByteBuffer> pong = new CompletableFuture<>();

    private WsTestClient(final HttpClient http, final URI uri, final Map<String, String> headers,
        final boolean reading) throws Exception
    {
        this.reading = reading;
        final WebSocket.Builder builder = http.newWebSocketBuilder();
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, this).get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    static WsTestClient connect(final URI uri) throws Exception
    {
        return connect(HttpClient.newHttpClient(), uri, Map.of());
    }

    static WsTestClient connect(final HttpClient http, final URI uri, final Map<String, String> headers)
        throws Exception
    {
        return new WsTestClient(http, uri, headers, true);
    }

    /** A client that reads only as much as {@link #request} asks for: the JDK client then stops reading its socket. */
    static WsTestClient connectPaused(final URI uri) throws Exception
    {
        return new WsTestClient(HttpClient.newHttpClient(), uri, Map.of(), false);
    }

    /** Lets {@code messages} more messages in (paused clients only). */
    void request(final long messages)
    {
        socket.request(messages);
    }

    /** The next whole text message, or null after {@code millis}. */
    String poll(final long millis) throws InterruptedException
    {
        return messages.poll(millis, TimeUnit.MILLISECONDS);
    }

    WsTestClient send(final String text) throws Exception
    {
        socket.sendText(text, true).get(TIMEOUT_S, TimeUnit.SECONDS);
        return this;
    }

    /** The next whole text message; fails after the timeout. */
    String read() throws InterruptedException
    {
        final String message = messages.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(message, "no WebSocket message within " + TIMEOUT_S + " s");
        return message;
    }

    /** Asserts the next message is {@code json} and a newline, as mist frames it. */
    void expect(final String json) throws InterruptedException
    {
        assertEquals(json + "\n", read());
    }

    void sync() throws Exception
    {
        send("{\"command\":\"ping\"}");
        expect("{\"command\":\"ping\",\"data\":\"pong\"}");
    }

    void expectSilenceFor(final int millis) throws InterruptedException
    {
        assertNull(messages.poll(millis, TimeUnit.MILLISECONDS));
    }

    int awaitClose() throws Exception
    {
        return closeCode.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
    {
        partial.append(data);
        if (last)
        {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        if (reading)
        {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public void onOpen(final WebSocket webSocket)
    {
        if (reading)
        {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onPong(final WebSocket webSocket, final ByteBuffer message)
    {
        pong.complete(message);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
    {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(final WebSocket webSocket, final Throwable error)
    {
        closeCode.completeExceptionally(error);
    }

    @Override
    public void close()
    {
        socket.abort();
    }
}
