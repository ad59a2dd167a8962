package io.mist.server;

import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects the text messages (and the close, as {@code closed CODE REASON}) a WebSocket client receives. */
final class TextFrames implements WebSocket.Listener
{
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(final WebSocket socket, final CharSequence data, final boolean last)
    {
        text.append(data);
        if (last)
        {
            received.add(text.toString());
            text.setLength(0);
        }
        socket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(final WebSocket socket, final int status, final String reason)
    {
        received.add("closed " + status + " " + reason);
        return CompletableFuture.completedFuture(null);
    }

    /** The next message, or null after five seconds. */
    String next() throws InterruptedException
    {
        return received.poll(5, TimeUnit.SECONDS);
    }
}
