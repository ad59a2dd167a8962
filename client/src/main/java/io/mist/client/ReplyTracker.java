package io.mist.client;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Matches the server's replies to the commands that wait for them. mist's replies carry no request id, but a
 * connection's replies come in the order of its commands, so commands wait in a queue in the order they were
 * written:
 * <ul>
 *   <li>a command with a reply ({@code ping}, {@code list}, {@code listall}, {@code who}, {@code tags}) takes the next
 *   message with its command name;</li>
 *   <li>a command without one ({@code subscribe}, {@code register}, ...) is followed on the wire by a {@code ping}:
 *   an error with its name before the pong fails it, the pong completes it.</li>
 * </ul>
 * Guarded by the client's write lock for additions; consumed on the IO thread.
 */
final class ReplyTracker
{
    /** What the head of the queue waits for. */
    private static final class Expectation
    {
        final String command;
        final CompletableFuture<Message> future;
        /** True: the command has no reply of its own; its error may come, then the pong of the ping sent after it. */
        final boolean acknowledgedByPong;

        Expectation(final String command, final CompletableFuture<Message> future, final boolean acknowledgedByPong)
        {
            this.command = command;
            this.future = future;
            this.acknowledgedByPong = acknowledgedByPong;
        }
    }

    private final ArrayDeque<Expectation> queue = new ArrayDeque<>();

    synchronized void expectReply(final String command, final CompletableFuture<Message> future)
    {
        queue.add(new Expectation(command, future, false));
    }

    synchronized void expectAcknowledgement(final String command, final CompletableFuture<Message> future)
    {
        queue.add(new Expectation(command, future, true));
    }

    /**
     * Offers a reply (anything but a delivery); returns false when no waiting command takes it (an error of a
     * fire-and-forget publish, say).
     */
    synchronized boolean offer(final Message reply)
    {
        final Expectation head = queue.peek();
        if (head == null)
        {
            return false;
        }
        if (head.acknowledgedByPong)
        {
            if (!reply.error().isEmpty() && reply.command().equals(head.command))
            {
                head.future.completeExceptionally(new MistReplyException(reply.command(), reply.error()));
                return true; // its pong still comes, and completes nothing
            }
            if ("ping".equals(reply.command()) && reply.error().isEmpty())
            {
                queue.poll();
                head.future.complete(reply);
                return true;
            }
            return false;
        }
        if (!reply.command().equals(head.command))
        {
            return false;
        }
        queue.poll();
        if (reply.error().isEmpty())
        {
            head.future.complete(reply);
        }
        else
        {
            head.future.completeExceptionally(new MistReplyException(reply.command(), reply.error()));
        }
        return true;
    }

    /** The connection is gone: every waiting command fails with {@code cause}. */
    synchronized void failAll(final Throwable cause)
    {
        for (Expectation waiting = queue.poll(); waiting != null; waiting = queue.poll())
        {
            waiting.future.completeExceptionally(cause);
        }
    }
}
