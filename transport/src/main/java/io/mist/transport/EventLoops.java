package io.mist.transport;

import io.mist.engine.CpuSet;
import io.mist.engine.Engine;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The IO threads every listener shares: native epoll where available, NIO otherwise. One acceptor thread and
 * {@link TransportConfig#ioThreads()} connection threads, pinned to {@link TransportConfig#ioCpus()} if asked. Created
 * and closed by the server's main thread.
 */
public final class EventLoops implements AutoCloseable
{
    private final boolean epoll;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;

    /** IO threads that do not yield to a matcher (no engine shares their CPU). */
    public EventLoops(final TransportConfig config)
    {
        this(config, DefaultSelectStrategyFactory.INSTANCE);
    }

    /**
     * The server's IO threads: where they share the engine's matcher's one CPU, each gives it the CPU before it waits
     * if the matcher is woken ({@link YieldToMatcher}).
     */
    public EventLoops(final TransportConfig config, final Engine engine)
    {
        this(config, engine.ioThreadsShareMatcherCpu()
            ? () -> new YieldToMatcher(engine::matcherWoken) : DefaultSelectStrategyFactory.INSTANCE);
    }

    private EventLoops(final TransportConfig config, final SelectStrategyFactory workerStrategy)
    {
        this.epoll = Epoll.isAvailable();
        this.acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("mist-accept", true),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        final IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory(0, workerStrategy)
            : NioIoHandler.newFactory(SelectorProvider.provider(), workerStrategy);
        final CpuSet cpus = config.ioCpus();
        this.workers = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("mist-io", true)
        {
            @Override
            public Thread newThread(final Runnable runnable)
            {
                return super.newThread(cpus.pinning(runnable));
            }
        }, factory);
        if (!cpus.isEmpty())
        {
            // Netty starts a loop's thread at its first task: start them all now, so they are pinned at start (and a
            // taskset on the whole process later, as the harness's --pin, is not undone by a thread started after it).
            final List<Future<?>> started = new ArrayList<>();
            workers.forEach(loop -> started.add(loop.submit(() -> { })));
            started.forEach(Future::syncUninterruptibly);
        }
    }

    /** "epoll" or "nio". */
    public String kind()
    {
        return epoll ? "epoll" : "nio";
    }

    public Class<? extends ServerChannel> serverChannelType()
    {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public EventLoopGroup acceptors()
    {
        return acceptors;
    }

    public EventLoopGroup workers()
    {
        return workers;
    }

    @Override
    public void close()
    {
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
