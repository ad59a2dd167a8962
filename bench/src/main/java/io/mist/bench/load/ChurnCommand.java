package io.mist.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code mist-bench churn}: a soak of clients that come and go badly. Round after round it opens TCP clients that
 * subscribe (and some that publish), then ends each in one of five ways: a clean close, a reset (RST), a reset in the
 * middle of a frame, a half-close (FIN on the client's side only, the socket left open), or a subscriber that stops
 * reading while messages keep coming and is then reset. After every round it samples the server; at the end it waits
 * for the server to settle and compares connections, subscriptions, client ring memory, threads and resident memory
 * with where they started.
 * Loopback only, bounded by {@code --duration}. Main thread, plus two Netty client threads.
 */
@Command(name = "churn", mixinStandardHelpOptions = true,
    description = "Soak: clients that connect, subscribe and vanish (close, reset, mid-frame reset, half-close, " +
        "stop reading); checks the server returns to its baseline.")
public final class ChurnCommand implements Callable<Integer>
{
    private static final int WAYS = 5;
    /** The way of ending that leaves the socket open: closed at the end of the run. */
    private static final int HALF_CLOSE = 3;

    @CommandLine.Mixin
    ServerTarget server = new ServerTarget();

    @Option(names = "--clients", defaultValue = "500", description = "Clients per round. Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--duration", defaultValue = "60", description = "Seconds of rounds. Default: ${DEFAULT-VALUE}.")
    int duration;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new ChurnCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final ServerProbe probe = server.probe();
        final InetSocketAddress address = server.tcpAddress();
        final Sample before = Sample.of(probe);
        System.out.println("before:  " + before);
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        final Random random = new Random(7);
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
        long opened = 0;
        int round = 0;
        final List<Channel> halfClosed = new ArrayList<>();
        try
        {
            final Channel publisher = connect(group, address, false);
            while (System.nanoTime() < end)
            {
                final List<Channel> round0 = new ArrayList<>(clients);
                for (int i = 0; i < clients; i++)
                {
                    final Channel channel = connect(group, address, i % WAYS == 4);
                    final StringBuilder frames = new StringBuilder();
                    for (int s = 0, n = 1 + random.nextInt(4); s < n; s++)
                    {
                        frames.append("{\"command\":\"subscribe\",\"tags\":[\"churn-").append(random.nextInt(50))
                            .append("\",\"churn-").append(random.nextInt(50)).append("\"]}\n");
                    }
                    channel.writeAndFlush(Unpooled.copiedBuffer(frames, StandardCharsets.US_ASCII));
                    round0.add(channel);
                    opened++;
                }
                // Traffic to every tag pair the clients may hold, so stalled readers fill their queues.
                for (int m = 0; m < 2000; m++)
                {
                    publisher.write(Unpooled.copiedBuffer("{\"command\":\"publish\",\"tags\":[\"churn-" +
                        random.nextInt(50) + "\",\"churn-" + random.nextInt(50) + "\"],\"data\":\"" +
                        "z".repeat(200) + "\"}\n", StandardCharsets.US_ASCII));
                }
                publisher.flush();
                Thread.sleep(200);
                for (int i = 0; i < round0.size(); i++)
                {
                    end(round0.get(i), i % WAYS);
                    if (i % WAYS == HALF_CLOSE)
                    {
                        halfClosed.add(round0.get(i));
                    }
                }
                round++;
                if (round % 5 == 0)
                {
                    System.out.println("round " + round + ": " + Sample.of(probe));
                }
            }
            publisher.close().sync();
        }
        finally
        {
            // The half-closed sockets are closed here, not left to the loops' shutdown, which does not close every
            // channel it holds (Netty 4.2 skips them all about one shutdown in a hundred).
            for (final Channel channel : halfClosed)
            {
                channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        // Give the server time to see every end, then compare.
        Sample after = Sample.of(probe);
        for (int wait = 0; wait < 100 && (after.connections > before.connections ||
            after.subscriptions > before.subscriptions || after.ringBytes > before.ringBytes); wait++)
        {
            Thread.sleep(100);
            after = Sample.of(probe);
        }
        System.out.println("after:   " + after);
        System.out.printf(Locale.ROOT, "%d clients in %d rounds over %d s; left behind: %.0f connections, %.0f " +
            "subscriptions, %.0f bytes of client rings, %s threads; RSS %s%n", opened, round, duration,
            after.connections - before.connections, after.subscriptions - before.subscriptions,
            after.ringBytes - before.ringBytes, before.threads < 0 ? "n/a" :
                Long.toString(after.threads - before.threads), before.rss < 0 ? "n/a" :
                String.format(Locale.ROOT, "%+.1f MiB", (after.rss - before.rss) / 1048576.0));
        // At most where it started: connections of an earlier client may still have been closing at the start.
        return after.connections <= before.connections && after.subscriptions <= before.subscriptions &&
            after.ringBytes <= before.ringBytes ? 0 : 1;
    }

    /** Ends a client in one of {@link #WAYS} ways. */
    private static void end(final Channel channel, final int way) throws InterruptedException
    {
        switch (way)
        {
            case 0: // clean close
                channel.close();
                break;
            case 1: // reset
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.close();
                break;
            case 2: // reset in the middle of a frame
                channel.writeAndFlush(Unpooled.copiedBuffer("{\"command\":\"publish\",\"tags\":[\"churn-1\"],\"da",
                    StandardCharsets.US_ASCII)).await(1, TimeUnit.SECONDS);
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.close();
                break;
            case HALF_CLOSE: // half-close: the client says it is done sending but never closes its socket
                ((SocketChannel)channel).shutdownOutput();
                break;
            default: // a subscriber that stopped reading (auto-read off since it connected), then vanishes
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.close();
                break;
        }
    }

    private static Channel connect(final EventLoopGroup group, final InetSocketAddress address, final boolean stalled)
        throws InterruptedException
    {
        final ChannelFuture connected = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .option(ChannelOption.AUTO_READ, !stalled)
            .option(ChannelOption.SO_RCVBUF, stalled ? 4096 : 65536)
            .handler(new ChannelInboundHandlerAdapter()
            {
                @Override
                public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                {
                    ReferenceCountUtil.release(msg);
                }
            }).connect(address);
        connected.await(10, TimeUnit.SECONDS);
        if (!connected.isSuccess())
        {
            throw new IllegalStateException("cannot connect to " + address, connected.cause());
        }
        return connected.channel();
    }

    /** The server's figures at one moment. */
    private record Sample(double connections, double subscriptions, double ringBytes, long threads, long rss)
    {
        static Sample of(final ServerProbe probe) throws Exception
        {
            return new Sample(probe.metric("mist_connections"), probe.metric("mist_subscriptions"),
                probe.metric("mist_client_ring_bytes"), probe.threads(), probe.residentBytes());
        }

        @Override
        public String toString()
        {
            return String.format(Locale.ROOT, "%.0f connections, %.0f subscriptions, %.0f KiB of client rings",
                connections, subscriptions, ringBytes / 1024) + (rss < 0 ? "" :
                String.format(Locale.ROOT, ", %d threads, RSS %s", threads, ServerProbe.mib(rss)));
        }
    }
}
