package io.mist.transport;

import io.mist.auth.AccessControl;
import io.mist.engine.Engine;
import io.mist.retention.RetentionStore;
import io.mist.transport.http.HttpRouter;
import io.mist.transport.http.OperatorRoutes;
import io.mist.transport.tcp.TcpFrameHandler;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The per-connection handler chains of each listener kind, after TLS when there is TLS; each begins with
 * {@link ReadWakeups}, ahead of TLS too. Called on IO threads.
 */
public final class Pipelines
{
    private Pipelines()
    {
    }

    /**
     * {@code tcp://} and {@code tls://}: mist's JSON stream, or the legacy text protocol. A plain TCP client that
     * shuts down its sending side ({@code printf … | nc -q 1}) still gets its replies, as from Go mist: the socket is
     * kept half open until they are written ({@link TcpFrameHandler}).
     */
    public static Consumer<Channel> tcp(final Engine engine, final TransportConfig config,
        final AccessControl access, final RetentionStore retention)
    {
        final ReadWakeups wakeups = new ReadWakeups(engine.wakeups());
        return channel ->
        {
            channel.pipeline().addFirst("read-wakeups", wakeups);
            if (channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null)
            {
                channel.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
            }
            channel.pipeline().addLast("mist-tcp", new TcpFrameHandler(engine, access, config.maxFrameSize(),
                retention));
        };
    }

    /**
     * {@code http://}/{@code https://} ({@code api} true: ping, publish, health, metrics, connections and the
     * WebSocket endpoint) and {@code ws://}/{@code wss://} ({@code api} false: the WebSocket endpoint only, as mist).
     */
    public static Consumer<Channel> http(final Engine engine, final TransportConfig config, final AccessControl gate,
        final boolean api, final OperatorRoutes routes, final RetentionStore retention)
    {
        final ReadWakeups wakeups = new ReadWakeups(engine.wakeups());
        return channel -> channel.pipeline()
            .addFirst("read-wakeups", wakeups)
            .addLast("http", new HttpServerCodec())
            .addLast("publish-cors", HttpRouter.publishCors(config))
            .addLast("http-aggregator", new HttpObjectAggregator(config.maxFrameSize()))
            .addLast("mist-http", new HttpRouter(engine, config, gate, api, routes, retention));
    }

    /**
     * {@code isimud://}: isimud's {@code POST /pub} and {@code GET /sub} on this engine (tropicbliss/isimud).
     *
     * @param subscribers decides {@code /sub}'s bearer tokens (with {@code --auth-url}); null when it is open.
     */
    public static Consumer<Channel> isimud(final Engine engine, final TransportConfig config, final String password,
        final boolean homepage, final AccessControl subscribers)
    {
        final ReadWakeups wakeups = new ReadWakeups(engine.wakeups());
        return channel -> channel.pipeline()
            .addFirst("read-wakeups", wakeups)
            .addLast("http", new io.netty.handler.codec.http.HttpServerCodec())
            .addLast("http-aggregator", new io.netty.handler.codec.http.HttpObjectAggregator(config.maxFrameSize()))
            .addLast("isimud-http", new io.mist.transport.isimud.IsimudRouter(engine, config.maxFrameSize(), password,
                homepage, subscribers));
    }

    /**
     * {@code msgbus://}: msgbus's HTTP API on this engine, its messages kept by {@code store} (prologic/msgbus). A
     * body over {@code --max-frame-size} is answered {@code 413 payload exceeds max-payload-size}, as msgbus.
     */
    public static Consumer<Channel> msgbus(final Engine engine, final TransportConfig config,
        final RetentionStore store, final AccessControl gate)
    {
        final ReadWakeups wakeups = new ReadWakeups(engine.wakeups());
        return channel -> channel.pipeline()
            .addFirst("read-wakeups", wakeups)
            .addLast("http", new HttpServerCodec())
            .addLast("cors", new io.mist.transport.http.HttpCors(config, path -> true))
            .addLast("http-aggregator", new io.mist.transport.msgbus.MsgbusAggregator(config.maxFrameSize()))
            .addLast("msgbus-http", new io.mist.transport.msgbus.MsgbusRouter(engine, store, gate, config));
    }
}
