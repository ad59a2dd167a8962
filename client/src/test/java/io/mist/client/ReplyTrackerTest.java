package io.mist.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replies matched to commands by order, as mist's protocol has no request ids. */
class ReplyTrackerTest
{
    private static Message reply(final String command, final String data, final String error)
    {
        return new Message(command, List.of(), data, error);
    }

    @Test
    void repliesAndAcknowledgementsInOrder() throws Exception
    {
        final ReplyTracker tracker = new ReplyTracker();
        final CompletableFuture<Message> register = new CompletableFuture<>();
        final CompletableFuture<Message> list = new CompletableFuture<>();
        final CompletableFuture<Message> subscribe = new CompletableFuture<>();
        tracker.expectAcknowledgement("register", register);
        tracker.expectReply("list", list);
        tracker.expectAcknowledgement("subscribe", subscribe);

        assertTrue(tracker.offer(reply("register", "", "Token already exists\n")));
        assertTrue(register.isCompletedExceptionally());
        assertTrue(tracker.offer(reply("ping", "pong", "")), "register's pong is absorbed");
        assertFalse(list.isDone());
        assertFalse(tracker.offer(reply("publish", "", "Forbidden")), "an error of nothing waiting is not taken");
        assertTrue(tracker.offer(reply("list", "a", "")));
        assertEquals("a", list.get().data());
        assertTrue(tracker.offer(reply("ping", "pong", "")));
        assertTrue(subscribe.isDone() && !subscribe.isCompletedExceptionally());
        final ExecutionException failed = assertThrows(ExecutionException.class, register::get);
        assertEquals("Token already exists", assertInstanceOf(MistReplyException.class, failed.getCause()).getMessage());
    }

    @Test
    void aLostConnectionFailsEverythingWaiting()
    {
        final ReplyTracker tracker = new ReplyTracker();
        final CompletableFuture<Message> ping = new CompletableFuture<>();
        tracker.expectReply("ping", ping);
        tracker.failAll(new IOException("lost"));
        assertInstanceOf(IOException.class, assertThrows(ExecutionException.class, ping::get).getCause());
        assertFalse(tracker.offer(reply("ping", "pong", "")));
    }
}
