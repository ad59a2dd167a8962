package io.mist.transport;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mist.auth.AccessControl;
import io.mist.engine.Engine;
import io.mist.engine.EngineConfig;
import io.mist.engine.ring.WaitStrategyKind;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the listeners' handler chains, exactly as the server builds them ({@link Pipelines}), on
 * a real engine, over Netty's in-process channels: a TCP byte stream (JSON frames or legacy text lines), raw HTTP
 * requests, and WebSocket frames after a valid upgrade. Each input is sent in pieces of a fuzzed size, then the client
 * hangs up. What must hold: the server's side of the connection ends within seconds (nothing hangs), and no handler
 * fails with anything but the client's doing ({@code mist_connection_errors_total} stays 0: see
 * {@link ConnectionFailure}).
 * <p>
 * The normal test run replays {@code src/test/resources/io/mist/transport/TransportFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} Jazzer generates new inputs (see README, Robustness).
 */
class TransportFuzzTest
{
    private static final int MAX_FRAME = 8192;
    private static final String WEBSOCKET_UPGRADE = "GET /subscribe/websocket HTTP/1.1\r\nHost: localhost\r\n" +
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n\r\n";

    private static Engine engine;
    private static EventLoopGroup loops;
    private static final BlockingQueue<Channel> ACCEPTED = new LinkedBlockingQueue<>();
    private static LocalAddress tcp;
    private static LocalAddress http;

    @BeforeAll
    static void start() throws InterruptedException
    {
        engine = new Engine(new EngineConfig(1024, WaitStrategyKind.BLOCK, 64 * 1024)).start();
        loops = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
        final TransportConfig config = new TransportConfig(MAX_FRAME, 1);
        tcp = bind("mist-fuzz-tcp", Pipelines.tcp(engine, config, AccessControl.OPEN, null));
        http = bind("mist-fuzz-http", Pipelines.http(engine, config, AccessControl.OPEN, true,
            new io.mist.transport.http.OperatorRoutes(() -> true, () -> null, () -> "mist_up 1\n", java.util.List::of),
            null));
    }

    @AfterAll
    static void stop()
    {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        engine.close();
    }

    @FuzzTest(maxDuration = "5m")
    void tcpStream(final FuzzedDataProvider data) throws InterruptedException
    {
        final int piece = data.consumeInt(1, 512);
        send(tcp, null, data.consumeRemainingAsBytes(), piece);
    }

    @FuzzTest(maxDuration = "5m")
    void httpRequests(final FuzzedDataProvider data) throws InterruptedException
    {
        final int piece = data.consumeInt(1, 512);
        send(http, null, data.consumeRemainingAsBytes(), piece);
    }

    @FuzzTest(maxDuration = "5m")
    void webSocketFrames(final FuzzedDataProvider data) throws InterruptedException
    {
        final int piece = data.consumeInt(1, 512);
        send(http, WEBSOCKET_UPGRADE.getBytes(StandardCharsets.US_ASCII), data.consumeRemainingAsBytes(), piece);
    }

    private static LocalAddress bind(final String name, final Consumer<Channel> pipeline) throws InterruptedException
    {
        final LocalAddress address = new LocalAddress(name);
        new ServerBootstrap().group(loops).channel(LocalServerChannel.class).childHandler(
            new ChannelInitializer<LocalChannel>()
            {
                @Override
                protected void initChannel(final LocalChannel channel)
                {
                    pipeline.accept(channel);
                    ACCEPTED.add(channel);
                }
            }).bind(address).sync();
        return address;
    }

    /**
     * Not fuzzed, but needing these in-process channels, which hand the server each write as one read: a publish in
     * mist's own form (the one-pass path) longer than the frame limit is refused, not published, even when the whole
     * line arrives in one read, and the next line is served.
     */
    @org.junit.jupiter.api.Test
    void aPublishInMistsFormOverTheFrameLimitIsRefusedWhenItArrivesInOneRead() throws InterruptedException
    {
        final StringBuffer replies = new StringBuffer();
        final Channel client = new Bootstrap().group(loops).channel(LocalChannel.class)
            .handler(new ChannelInboundHandlerAdapter()
            {
                @Override
                public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                {
                    replies.append(((io.netty.buffer.ByteBuf)msg).toString(StandardCharsets.UTF_8));
                    ReferenceCountUtil.release(msg);
                }
            }).connect(tcp).sync().channel();
        final String tooLong = "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"" + "y".repeat(MAX_FRAME) + "\"}\n";
        final long published = engine.counters().messagesPublished.get();
        client.writeAndFlush(Unpooled.copiedBuffer(tooLong + "{\"command\":\"ping\"}\n", StandardCharsets.UTF_8))
            .sync();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!replies.toString().contains("pong") && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        client.close().sync();
        assertEquals("{\"command\":\"\",\"error\":\"frame exceeds the maximum frame size of " + MAX_FRAME +
            " bytes\"}\n{\"command\":\"ping\",\"data\":\"pong\"}\n", replies.toString());
        assertEquals(published, engine.counters().messagesPublished.get(), "the frame over the limit was published");
    }

    /** Connects, writes {@code prefix} whole and {@code input} in pieces, hangs up, and checks the server's side. */
    private static void send(final LocalAddress address, final byte[] prefix, final byte[] input, final int piece)
        throws InterruptedException
    {
        final long errorsBefore = engine.counters().connectionErrors.get();
        ACCEPTED.clear();
        final Channel client = new Bootstrap().group(loops).channel(LocalChannel.class)
            .handler(new ChannelInboundHandlerAdapter()
            {
                @Override
                public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                {
                    ReferenceCountUtil.release(msg); // replies are not checked here, only that nothing breaks
                }
            }).connect(address).sync().channel();
        final Channel server = ACCEPTED.poll(5, TimeUnit.SECONDS);
        assertNotNull(server, "the server accepted the connection");
        if (prefix != null)
        {
            client.writeAndFlush(Unpooled.wrappedBuffer(prefix));
        }
        for (int at = 0; at < input.length; at += piece)
        {
            final ChannelFuture written = client.writeAndFlush(
                Unpooled.wrappedBuffer(input, at, Math.min(piece, input.length - at)));
            if (!written.await(5, TimeUnit.SECONDS) || !written.isSuccess())
            {
                break; // the server closed the connection: the rest of the input has nowhere to go
            }
        }
        client.close().sync();
        assertTrue(server.closeFuture().await(5, TimeUnit.SECONDS), "the server's side ended after the hang-up");
        // Handlers run on the server channel's event loop: once it is closed, every failure has been counted.
        server.eventLoop().submit(() -> { }).sync();
        assertEquals(errorsBefore, engine.counters().connectionErrors.get(),
            "a handler failed on this input with something that is not the client's doing (see the WARN log)");
    }
}
