package io.mist.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * One bound listener (any scheme): accepts connections on the shared IO threads, optionally wraps them in TLS, lets
 * a {@link Consumer} build the rest of each connection's pipeline, and tracks them for an orderly shutdown. Bound and
 * closed by the server's main thread.
 */
public final class Listener implements AutoCloseable
{
    /** Netty's own outbound buffer stays small; the client's outbound ring is the real queue. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final EventLoops loops;
    private final InetSocketAddress requested;
    private final SslContext tls;
    private final Consumer<SocketChannel> pipeline;
    private final ListenerConnections connections;
    private Channel serverChannel;

    /**
     * @param tls null for plain TCP.
     * @param pipeline adds the protocol's handlers to a new connection (after TLS, when there is TLS).
     */
    public Listener(final String name, final EventLoops loops, final InetSocketAddress address, final SslContext tls,
        final Consumer<SocketChannel> pipeline)
    {
        this.loops = loops;
        this.requested = address;
        this.tls = tls;
        this.pipeline = pipeline;
        this.connections = new ListenerConnections(name);
    }

    /** Binds and starts accepting; returns the bound address (the real port when 0 was asked for). */
    public InetSocketAddress bind() throws InterruptedException
    {
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(loops.acceptors(), loops.workers())
            .channel(loops.serverChannelType())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    connections.add(channel);
                    if (tls != null)
                    {
                        channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
                    }
                    pipeline.accept(channel);
                }
            });
        serverChannel = bootstrap.bind(requested).sync().channel();
        return (InetSocketAddress)serverChannel.localAddress();
    }

    /**
     * Stops accepting and stops reading from open connections, so no new requests reach the engine while it drains.
     */
    @Override
    public void close()
    {
        if (serverChannel != null)
        {
            serverChannel.close().syncUninterruptibly();
        }
        connections.stopReading();
    }

    /** See {@link ListenerConnections#awaitFlushed}. */
    public void awaitFlushed(final long millis) throws InterruptedException
    {
        connections.awaitFlushed(millis);
    }

    /** Open connections. */
    public int connectionCount()
    {
        return connections.size();
    }
}
