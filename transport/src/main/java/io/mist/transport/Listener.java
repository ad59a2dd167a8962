package io.mist.transport;

import io.mist.codec.Command;
import io.mist.codec.ReplyEncoder;
import io.mist.engine.EngineCounters;
import io.mist.engine.outbound.DirectMemoryBudget;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.mist.transport.tls.PlaintextOnTlsPort;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One bound listener (any scheme): accepts connections on the shared IO threads, optionally wraps them in TLS, lets
 * a {@link Consumer} build the rest of each connection's pipeline, and tracks them for an orderly shutdown. Bound and
 * closed by the server's main thread.
 */
public final class Listener implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);
    /** Netty's own outbound buffer stays small; the client's outbound ring is the real queue. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final EventLoops loops;
    private final SocketTuning tuning;
    private final ConnectionLimits limits;
    /** Where refused connections are counted, by why. */
    private final EngineCounters counters;
    private final boolean http;
    /** Open connections per client address, while {@code --max-connections-per-ip} is set. */
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final InetSocketAddress requested;
    /** Replaced by a reload: new handshakes use the new one, open connections keep theirs. */
    private volatile SslContext tls;
    private final Consumer<Channel> pipeline;
    private final ListenerConnections connections;
    private Channel serverChannel;

    /**
     * @param tls null for plain TCP.
     * @param pipeline adds the protocol's handlers to a new connection (after TLS, when there is TLS).
     */
    public Listener(final String name, final EventLoops loops, final InetSocketAddress address, final SslContext tls,
        final Consumer<Channel> pipeline)
    {
        this(name, loops, address, tls, pipeline, SocketTuning.DEFAULTS, ConnectionLimits.DEFAULTS,
            new EngineCounters(), false);
    }

    /**
     * @param tuning socket options of accepted connections.
     * @param limits how many connections are accepted, and how long they may take to identify themselves or stay
     *     silent.
     * @param counters where refused connections are counted ({@code mist_connections_refused_total}).
     * @param http whether the listener speaks HTTP (a refused connection gets a 503 rather than a mist error line).
     */
    public Listener(final String name, final EventLoops loops, final InetSocketAddress address, final SslContext tls,
        final Consumer<Channel> pipeline, final SocketTuning tuning, final ConnectionLimits limits,
        final EngineCounters counters, final boolean http)
    {
        this.loops = loops;
        this.tuning = tuning;
        this.limits = limits;
        this.counters = counters;
        this.http = http;
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
            .childOption(ChannelOption.TCP_NODELAY, tuning.tcpNoDelay())
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
            // Netty's default reads at most 64 KiB; its own initial size and smallest step are kept.
            .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                new io.netty.channel.AdaptiveRecvByteBufAllocator(64, 2048, tuning.readSize()))
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    final String refusal = admit(channel);
                    if (refusal != null)
                    {
                        refuse(channel, refusal);
                        return;
                    }
                    connections.add(channel);
                    tuning.attachTo(channel);
                    limits.attachTo(channel);
                    final SslContext context = tls;
                    if (context != null)
                    {
                        final SslHandler handler = context.newHandler(channel.alloc());
                        handler.setHandshakeTimeoutMillis(limits.handshakeTimeout().toMillis());
                        channel.pipeline().addLast("plaintext-check", new PlaintextOnTlsPort(http));
                        channel.pipeline().addLast("tls", handler);
                    }
                    if (!limits.idleTimeout().isZero())
                    {
                        channel.pipeline().addLast("idle", new IdleStateHandler(limits.idleTimeout().toMillis(), 0, 0,
                            TimeUnit.MILLISECONDS));
                        channel.pipeline().addLast("idle-close", IdleClose.INSTANCE);
                    }
                    if (http)
                    {
                        ConnectionLimits.requireIdentification(channel, "HTTP request");
                    }
                    pipeline.accept(channel);
                }
            });
        if (tuning.sendBuffer() > 0)
        {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, tuning.sendBuffer());
        }
        if (tuning.receiveBuffer() > 0)
        {
            // Set on the listening socket too: a window above 64 KiB must be agreed during the handshake.
            bootstrap.option(ChannelOption.SO_RCVBUF, tuning.receiveBuffer());
            bootstrap.childOption(ChannelOption.SO_RCVBUF, tuning.receiveBuffer());
        }
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

    /** TLS listeners: new connections are served with {@code context} from now on (a reload). */
    public void tls(final SslContext context)
    {
        if (tls != null && context != null)
        {
            tls = context;
        }
    }

    /** Whether this listener serves TLS. */
    public boolean secure()
    {
        return tls != null;
    }

    /**
     * The start of a drain for a listener that answers health checks: its client connections stop reading, while it
     * still accepts and answers plain HTTP requests ({@code /health/ready} says 503) until {@link #close}.
     */
    public void stopClients()
    {
        connections.stopReadingClients();
    }

    /** See {@link ListenerConnections#closeAll}. */
    public void closeConnections(final long millis)
    {
        connections.closeAll(millis);
    }

    /** See {@link ListenerConnections#awaitFlushed}. */
    public void awaitFlushed(final long millis) throws InterruptedException
    {
        connections.awaitFlushed(millis);
    }

    /** Null when {@code channel} may be accepted (and counts it against its address), else why not. */
    private String admit(final SocketChannel channel)
    {
        if (limits.maxConnections() > 0 && connections.size() >= limits.maxConnections())
        {
            counters.refusedOverConnectionLimit.incrementAndGet();
            return "Too many connections - the limit is " + limits.maxConnections() + " (--max-connections)";
        }
        if (!http)
        {
            // A client connection's first ring; an HTTP listener checks at a WebSocket upgrade (WebSocketUpgrade), so
            // that /metrics and /health still answer.
            final String memory = DirectMemoryBudget.JVM.newClientRefusal();
            if (memory != null)
            {
                counters.refusedOutOfMemory.incrementAndGet();
                return memory;
            }
        }
        if (limits.maxConnectionsPerIp() > 0 && channel.remoteAddress() != null)
        {
            final InetAddress address = channel.remoteAddress().getAddress();
            final AtomicInteger open =
                perAddress.computeIfAbsent(address, a -> new AtomicInteger());
            if (open.incrementAndGet() > limits.maxConnectionsPerIp())
            {
                release(address, open);
                counters.refusedOverAddressLimit.incrementAndGet();
                return "Too many connections from " + address.getHostAddress() + " - the limit is " +
                    limits.maxConnectionsPerIp() + " (--max-connections-per-ip)";
            }
            channel.closeFuture().addListener(closed -> release(address, open));
        }
        return null;
    }

    private void release(final InetAddress address, final AtomicInteger open)
    {
        if (open.decrementAndGet() <= 0)
        {
            perAddress.remove(address, open);
        }
    }

    /** Says why in the listener's own terms where it can (not before a TLS handshake), then closes. */
    private void refuse(final SocketChannel channel, final String reason)
    {
        LOG.warn("Refused a connection from {}: {}", channel.remoteAddress(), reason);
        if (tls != null)
        {
            channel.close();
            return;
        }
        final byte[] reply = http ? ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: " + (reason.getBytes(StandardCharsets.UTF_8).length + 1) +
            "\r\nConnection: close\r\n\r\n" + reason + "\n").getBytes(StandardCharsets.UTF_8) :
            ReplyEncoder.error(Command.UNKNOWN, reason);
        channel.writeAndFlush(Unpooled.wrappedBuffer(reply)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Closes a connection that has been silent for {@code --idle-timeout}. */
    @ChannelHandler.Sharable
    private static final class IdleClose extends ChannelInboundHandlerAdapter
    {
        static final IdleClose INSTANCE = new IdleClose();

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
            throws Exception
        {
            if (event instanceof IdleStateEvent)
            {
                LOG.info("Closing {} from {}: silent for --idle-timeout", ctx.channel().id(),
                    ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, event);
        }
    }

    /** Open connections. */
    public int connectionCount()
    {
        return connections.size();
    }

    /** This listener's client connections, named {@code listener} ({@link ListenerConnections#describe}). */
    public java.util.List<ConnectionInfo> describeConnections(final String listener)
    {
        return connections.describe(listener);
    }

    /** Outbound ring memory held by this listener's clients ({@link ListenerConnections#ringBytes()}). */
    public long ringBytes()
    {
        return connections.ringBytes();
    }

    /** Bytes queued in Netty for this listener's sockets ({@link ListenerConnections#pendingWriteBytes()}). */
    public long pendingWriteBytes()
    {
        return connections.pendingWriteBytes();
    }
}
