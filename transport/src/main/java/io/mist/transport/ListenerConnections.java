package io.mist.transport;

import io.mist.engine.session.ClientSession;
import io.mist.transport.ws.ServerClose;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.TimeUnit;

/**
 * The open connections of one listener, for shutdown: stop reading from all of them, then wait until what the
 * engine queued for them is written. Handlers {@link #attach} a connection's session when they open it. Thread-safe.
 */
public final class ListenerConnections
{
    private static final AttributeKey<ClientSession> SESSION = AttributeKey.valueOf("mist-session");
    /** How long {@link #closeAll} waits at least for the connections it closes without asking. */
    private static final long FORCED_CLOSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ChannelGroup channels;

    public ListenerConnections(final String name)
    {
        this.channels = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
    }

    /** Records the engine session a connection feeds, so shutdown can see what is still queued for it. */
    public static void attach(final Channel channel, final ClientSession session)
    {
        channel.attr(SESSION).set(session);
    }

    /** What an operator sees of each open client connection (not the HTTP requests); any thread, approximate. */
    public java.util.List<ConnectionInfo> describe(final String listener)
    {
        final java.util.List<ConnectionInfo> all = new java.util.ArrayList<>();
        for (final Channel channel : channels)
        {
            final ClientSession session = channel.attr(SESSION).get();
            if (session == null)
            {
                continue;
            }
            final ClientConnection connection = ClientConnection.of(channel);
            all.add(new ConnectionInfo(session.id(), listener, String.valueOf(channel.remoteAddress()).replaceFirst(
                "^/", ""), connection == null ? "none" : connection.authMode(), session.subscriptionCount().get(),
                session.outbound().size(), session.delivered().get(), session.dropped().get(),
                session.connectedAtMillis()));
        }
        return all;
    }

    public void add(final Channel channel)
    {
        channels.add(channel);
    }

    public int size()
    {
        return channels.size();
    }

    /**
     * Outbound ring memory held by these connections' clients, in bytes. Any thread; reads only the rings' sizes as
     * allocated (never their memory, which the matcher may be releasing), so it is approximate while clients come and go.
     */
    public long ringBytes()
    {
        long bytes = 0;
        for (final Channel channel : channels)
        {
            final ClientSession session = channel.attr(SESSION).get();
            if (session != null)
            {
                bytes += session.outbound().allocated();
            }
        }
        return bytes;
    }

    /** Bytes handed to Netty for these connections but not yet to the kernel. Any thread; approximate. */
    public long pendingWriteBytes()
    {
        long bytes = 0;
        for (final Channel channel : channels)
        {
            final ChannelOutboundBuffer written = channel.unsafe().outboundBuffer();
            if (written != null)
            {
                bytes += written.totalPendingWriteBytes();
            }
        }
        return bytes;
    }

    /**
     * Stops reading from the client connections (those with an engine session), so no new requests reach the engine
     * while it drains, and leaves plain HTTP requests be (health checks during the drain).
     */
    public void stopReadingClients()
    {
        for (final Channel channel : channels)
        {
            if (channel.attr(SESSION).get() != null)
            {
                channel.config().setAutoRead(false);
            }
        }
    }

    /** Stops reading from every connection, so no new requests reach the engine while it drains. */
    public void stopReading()
    {
        for (final Channel channel : channels)
        {
            channel.config().setAutoRead(false);
        }
    }

    /**
     * Waits, at most {@code millis}, until every open connection's outbound ring is empty and Netty has written all
     * it was given. Only after the engine has stopped (so no ring is released meanwhile); a client that does not read
     * is given up on at the deadline.
     */
    public void awaitFlushed(final long millis) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (hasPendingOutput() && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
    }

    /**
     * Closes every connection and waits, at most {@code millis}, until each is closed: the end of a drain, before the
     * IO threads stop. A WebSocket (any dialect) is closed with the closing handshake ({@link ServerClose}), status
     * 1001 "server stopping" (RFC 6455: an endpoint going away), so a browser sees a clean close with a reason rather
     * than 1006; one that does not answer within the time is closed anyway. Not left to the IO threads' shutdown:
     * Netty 4.2's event loop closes its channels only when its check after IO sees the shutdown, and a shutdown asked
     * for between that check and the loop's confirmation of it ends the loop with every channel still open (at least
     * 24 stops in 2,400, measured): the clients never learnt the server had gone.
     */
    public void closeAll(final long millis)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (final Channel channel : channels)
        {
            if (channel.pipeline().get(WebSocketFrameDecoder.class) != null)
            {
                ServerClose.start(channel, WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server stopping");
            }
            else
            {
                channel.close();
            }
        }
        for (final Channel channel : channels)
        {
            channel.closeFuture().awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
        }
        // What is left (a WebSocket that did not take its frame) is closed now; that takes no waiting for the client.
        channels.close().awaitUninterruptibly(Math.max(FORCED_CLOSE_NANOS, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS);
    }

    private boolean hasPendingOutput()
    {
        for (final Channel channel : channels)
        {
            final ClientSession session = channel.attr(SESSION).get();
            final ChannelOutboundBuffer written = channel.unsafe().outboundBuffer();
            if (channel.isActive() && ((session != null && session.outbound().size() > 0) ||
                (written != null && written.totalPendingWriteBytes() > 0)))
            {
                return true;
            }
        }
        return false;
    }
}
