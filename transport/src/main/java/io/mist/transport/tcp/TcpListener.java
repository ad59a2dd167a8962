package io.mist.transport.tcp;

import io.mist.engine.Engine;
import io.mist.engine.session.ClientSession;
import io.mist.transport.EventLoops;
import io.mist.transport.TransportConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * mist's TCP listener ({@code tcp://host:port}): JSON frames in both directions, one {@link TcpFrameHandler} per
 * connection. Bound and closed by the server's main thread.
 */
public final class TcpListener implements AutoCloseable
{
    /** Netty's own outbound buffer stays small; the client's outbound ring is the real queue. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final Engine engine;
    private final TransportConfig config;
    private final EventLoops loops;
    private final InetSocketAddress requested;
    private final ChannelGroup connections = new DefaultChannelGroup("mist-tcp", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;

    public TcpListener(final Engine engine, final TransportConfig config, final EventLoops loops,
        final InetSocketAddress address)
    {
        this.engine = engine;
        this.config = config;
        this.loops = loops;
        this.requested = address;
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
                    channel.pipeline().addLast("mist-tcp", new TcpFrameHandler(engine, config.maxFrameSize()));
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
        for (final Channel connection : connections)
        {
            connection.config().setAutoRead(false);
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

    private boolean hasPendingOutput()
    {
        for (final Channel connection : connections)
        {
            final TcpFrameHandler handler = connection.pipeline().get(TcpFrameHandler.class);
            final ClientSession session = handler == null ? null : handler.session();
            final ChannelOutboundBuffer written = connection.unsafe().outboundBuffer();
            if (connection.isActive() && ((session != null && session.outbound().size() > 0) ||
                (written != null && written.totalPendingWriteBytes() > 0)))
            {
                return true;
            }
        }
        return false;
    }
}
