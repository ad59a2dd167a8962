package io.mist.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code mist-bench hold}: opens many subscriber connections to a running mist, TCP and WebSocket mixed, holds them
 * for a while with a publisher sending to all of them at a steady rate, and reports what the server kept up: the
 * connections it counts, deliveries received against those expected, its resident memory per connection and its
 * thread count. Loopback only, bounded by {@code --duration}. Main thread, plus two Netty client threads.
 */
@Command(name = "hold", mixinStandardHelpOptions = true,
    description = "Hold many TCP and WebSocket subscribers on a running mist with traffic, and report memory per " +
        "connection.")
public final class HoldCommand implements Callable<Integer>
{
    private static final int GROUPS = 100;

    @CommandLine.Mixin
    ServerTarget server = new ServerTarget();

    @Option(names = "--ws", paramLabel = "URL", defaultValue = "ws://127.0.0.1:8888/subscribe/websocket",
        description = "mist's WebSocket endpoint. Default: ${DEFAULT-VALUE}.")
    String ws;

    @Option(names = "--tcp-connections", defaultValue = "5000", description = "TCP subscribers. Default: ${DEFAULT-VALUE}.")
    int tcpConnections;

    @Option(names = "--ws-connections", defaultValue = "5000",
        description = "WebSocket subscribers. Default: ${DEFAULT-VALUE}.")
    int wsConnections;

    @Option(names = "--rate", defaultValue = "200",
        description = "Messages per second published, each to one of " + GROUPS + " tags (so to 1/" + GROUPS +
            " of the subscribers). Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--duration", defaultValue = "60", description = "Seconds held. Default: ${DEFAULT-VALUE}.")
    int duration;

    private final LongAdder deliveries = new LongAdder();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();
    private final int[] groupSizes = new int[GROUPS];

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new HoldCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final ServerProbe probe = server.probe();
        final double connectionsBefore = probe.metric("mist_connections");
        final long rssBefore = probe.residentBytes();
        final long threadsBefore = probe.threads();
        final int total = tcpConnections + wsConnections;
        System.out.printf(Locale.ROOT, "before: %.0f connections, RSS %s, %d threads%n", connectionsBefore,
            ServerProbe.mib(rssBefore), threadsBefore);

        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        final List<Channel> channels = new ArrayList<>(total + 1);
        try
        {
            final long openStart = System.nanoTime();
            final InetSocketAddress tcpAddress = server.tcpAddress();
            for (int i = 0; i < tcpConnections; i++)
            {
                channels.add(connectTcp(group, tcpAddress, "hold-" + (i % GROUPS)));
                groupSizes[i % GROUPS]++;
            }
            final URI wsUri = URI.create(ws);
            for (int i = 0; i < wsConnections; i++)
            {
                final int index = tcpConnections + i;
                channels.add(connectWebSocket(group, wsUri, "hold-" + (index % GROUPS)));
                groupSizes[index % GROUPS]++;
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (ready.get() + lost.get() < total && System.nanoTime() < deadline)
            {
                Thread.sleep(100);
            }
            System.out.printf(Locale.ROOT, "subscribed: %d of %d in %.1f s (%d failed or closed)%n", ready.get(),
                total, (System.nanoTime() - openStart) / 1e9, lost.get());

            final Channel publisher = connectTcp(group, tcpAddress, "hold-publisher");
            final long expected = publishFor(publisher, probe);
            Thread.sleep(2000); // the last deliveries' way out
            final double connectionsHeld = probe.metric("mist_connections");
            final long rssHeld = probe.residentBytes();
            final long threadsHeld = probe.threads();
            final double dropped = probe.metric("mist_messages_dropped_total");
            final double errors = probe.metric("mist_connection_errors_total");
            System.out.printf(Locale.ROOT, "held: %.0f connections at the server after %d s, %d subscribers still " +
                "open here%n", connectionsHeld, duration, total - lost.get());
            System.out.printf(Locale.ROOT, "deliveries: %d received of %d expected (server drops so far: %.0f, " +
                "connection errors: %.0f)%n", deliveries.sum(), expected, dropped, errors);
            System.out.printf(Locale.ROOT, "server: RSS %s -> %s (%s per connection), threads %d -> %d%n",
                ServerProbe.mib(rssBefore), ServerProbe.mib(rssHeld), rssBefore < 0 ? "n/a" :
                    String.format(Locale.ROOT, "%.1f KiB", (rssHeld - rssBefore) / 1024.0 / Math.max(1, total)),
                threadsBefore, threadsHeld);
            return lost.get() == 0 && deliveries.sum() == expected ? 0 : 1;
        }
        finally
        {
            for (final Channel channel : channels)
            {
                channel.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Publishes at {@link #rate} for {@link #duration} seconds; returns the deliveries that makes. */
    private long publishFor(final Channel publisher, final ServerProbe probe) throws Exception
    {
        final long start = System.nanoTime();
        final long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, rate);
        long expected = 0;
        long sent = 0;
        long nextReport = start + TimeUnit.SECONDS.toNanos(10);
        final byte[] payload = "x".repeat(64).getBytes(StandardCharsets.US_ASCII);
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(duration))
        {
            final long due = start + sent * interval;
            final long wait = due - System.nanoTime();
            if (wait > 0)
            {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            final int target = (int)(sent % GROUPS);
            final ByteBuf frame = Unpooled.buffer(128);
            frame.writeCharSequence("{\"command\":\"publish\",\"tags\":[\"hold-" + target + "\"],\"data\":\"",
                StandardCharsets.US_ASCII);
            frame.writeBytes(payload);
            frame.writeCharSequence("\"}\n", StandardCharsets.US_ASCII);
            publisher.writeAndFlush(frame);
            expected += groupSizes[target];
            sent++;
            if (System.nanoTime() >= nextReport)
            {
                nextReport += TimeUnit.SECONDS.toNanos(10);
                System.out.printf(Locale.ROOT, "  %3d s: %.0f connections, RSS %s, %d threads, %d deliveries%n",
                    (System.nanoTime() - start) / 1_000_000_000L, probe.metric("mist_connections"),
                    ServerProbe.mib(probe.residentBytes()), probe.threads(), deliveries.sum());
            }
        }
        return expected;
    }

    private Channel connectTcp(final EventLoopGroup group, final InetSocketAddress address, final String tag)
        throws InterruptedException
    {
        final boolean subscriber = !tag.equals("hold-publisher");
        final ChannelFuture connected = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInboundHandlerAdapter()
            {
                private boolean subscribed;

                @Override
                public void channelActive(final ChannelHandlerContext ctx)
                {
                    if (subscriber)
                    {
                        ctx.writeAndFlush(Unpooled.copiedBuffer("{\"command\":\"subscribe\",\"tags\":[\"" + tag +
                            "\"]}\n{\"command\":\"ping\"}\n", StandardCharsets.US_ASCII));
                    }
                }

                @Override
                public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                {
                    final ByteBuf in = (ByteBuf)msg;
                    int lines = countNewlines(in);
                    if (!subscribed && lines > 0)
                    {
                        subscribed = true;
                        ready.incrementAndGet();
                        lines--; // the pong
                    }
                    deliveries.add(lines);
                    in.release();
                }

                @Override
                public void channelInactive(final ChannelHandlerContext ctx)
                {
                    if (subscriber)
                    {
                        lost.incrementAndGet();
                    }
                }
            }).connect(address);
        connected.await(10, TimeUnit.SECONDS);
        return connected.channel();
    }

    private Channel connectWebSocket(final EventLoopGroup group, final URI uri, final String tag)
        throws InterruptedException
    {
        final ChannelFuture connected = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                        new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(uri,
                            WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), 1 << 20)),
                        new ChannelInboundHandlerAdapter()
                        {
                            private boolean subscribed;

                            @Override
                            public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
                            {
                                if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE)
                                {
                                    ctx.write(new TextWebSocketFrame("{\"command\":\"subscribe\",\"tags\":[\"" + tag +
                                        "\"]}"));
                                    ctx.writeAndFlush(new TextWebSocketFrame("{\"command\":\"ping\"}"));
                                }
                            }

                            @Override
                            public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                            {
                                if (msg instanceof TextWebSocketFrame)
                                {
                                    if (subscribed)
                                    {
                                        deliveries.increment();
                                    }
                                    else
                                    {
                                        subscribed = true; // the pong
                                        ready.incrementAndGet();
                                    }
                                }
                                ReferenceCountUtil.release(msg);
                            }

                            @Override
                            public void channelInactive(final ChannelHandlerContext ctx)
                            {
                                lost.incrementAndGet();
                            }
                        });
                }
            }).connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
        connected.await(10, TimeUnit.SECONDS);
        return connected.channel();
    }

    private static int countNewlines(final ByteBuf in)
    {
        int count = 0;
        for (int i = in.readerIndex(), end = in.writerIndex(); i < end; i++)
        {
            if (in.getByte(i) == '\n')
            {
                count++;
            }
        }
        return count;
    }
}
