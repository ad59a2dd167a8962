package io.mist.transport.http;

import io.mist.auth.Access;
import io.mist.auth.AccessControl;
import io.mist.codec.Command;
import io.mist.codec.FrameException;
import io.mist.codec.MistFrame;
import io.mist.engine.Engine;
import io.mist.engine.ingress.MessagePublisher;
import io.mist.engine.ingress.Refusal;
import io.mist.engine.ring.Offer;
import io.mist.transport.ConnectionFailure;
import io.mist.transport.TagGrants;
import io.mist.transport.TransportConfig;
import io.mist.transport.ws.WebSocketFrameHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Routes the requests of an HTTP or WebSocket listener. Both serve mist's WebSocket endpoint
 * ({@code GET /subscribe/websocket}, matched by prefix as mist's router does, and {@code /ws} as mist's README shows);
 * the HTTP listener also serves {@code GET /ping}, {@code POST /publish}, {@code GET /health[/live|/ready]} and
 * {@code GET /metrics} (Prometheus text; like health, open without a token).
 * Tokens (header {@code X-AUTH-TOKEN}, else query {@code x-auth-token}) are checked before anything else happens, so
 * a refused WebSocket gets {@code 401}, never a {@code 101} followed by a drop. A publish publishes through the
 * engine's {@link MessagePublisher} (no client session) and is answered {@code 202} once it is in the inbound ring;
 * when the ring has no room, the connection stops reading and the publish is offered again until there is.
 * One per connection; its event loop.
 */
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);
    private static final String NOT_FOUND = "404 page not found\n";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** How long a publish waits before it offers again to a full ring. */
    private static final long RETRY_MICROS = 200;

    private final Engine engine;
    private final TransportConfig config;
    private final AccessControl gate;
    /** Keeps the messages a WebSocket's subscription may ask to replay; null for none. */
    private final io.mist.retention.RetentionStore retention;
    private final boolean api;
    private final BooleanSupplier ready;
    private final Supplier<String> degraded;
    private final Supplier<String> metrics;
    private final Supplier<java.util.List<io.mist.transport.ConnectionInfo>> connections;
    private final MistFrame frame = new MistFrame();
    private PublishRequestReader publishReader;
    private MessagePublisher publisher;
    /** Requests behind one that waits: a publish (parsed into {@link #frame}) for room, a token for the auth URL. */
    private final HeldRequests held = new HeldRequests(this::route);

    /**
     * @param api whether this is an HTTP listener (ping, publish, health, metrics, connections) rather than a
     *     WebSocket-only one.
     * @param routes what the operator routes report.
     */
    public HttpRouter(final Engine engine, final TransportConfig config, final AccessControl gate, final boolean api,
        final OperatorRoutes routes, final io.mist.retention.RetentionStore retention)
    {
        this.retention = retention;
        this.engine = engine;
        this.config = config;
        this.gate = gate;
        this.api = api;
        this.ready = routes.ready();
        this.degraded = routes.degraded();
        this.metrics = routes.metrics();
        this.connections = routes.connections();
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        held.read(ctx, request);
    }

    private void route(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final QueryStringDecoder uri = HttpRequests.uri(ctx, request);
        if (uri == null)
        {
            return;
        }
        final String path = uri.path();
        if (path.startsWith("/") && CleanPath.of(path) != path)
        {
            redirectToClean(ctx, request, path);
            return;
        }
        if (path.startsWith("/subscribe/websocket") || path.equals("/ws") || path.startsWith("/ws/"))
        {
            webSocket(ctx, request, uri);
        }
        else if (api && path.startsWith("/ping"))
        {
            if (request.method().equals(HttpMethod.GET))
            {
                HttpResponses.text(ctx, request, HttpResponseStatus.OK, "pong\n");
            }
            else
            {
                HttpResponses.text(ctx, request, HttpResponseStatus.NOT_FOUND, NOT_FOUND);
            }
        }
        else if (api && path.equals("/publish"))
        {
            final String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            if (!allowed(ctx, request, origin))
            {
                LOG.info("Publish from {} refused: origin '{}' is not allowed", ctx.channel().remoteAddress(), origin);
                HttpResponses.text(ctx, request, HttpResponseStatus.FORBIDDEN,
                    "403 Forbidden: origin not allowed (--allowed-origins)\n");
            }
            else if (request.method().equals(HttpMethod.OPTIONS))
            {
                preflight(ctx, request);
            }
            else
            {
                publish(ctx, request, uri);
            }
        }
        else if (api && (path.equals("/health") || path.equals("/health/ready") || path.equals("/health/live")))
        {
            health(ctx, request, path);
        }
        else if (api && metrics != null && path.equals("/metrics"))
        {
            metrics(ctx, request);
        }
        else if (api && connections != null && path.equals("/connections"))
        {
            connections(ctx, request, uri);
        }
        else if (api && metrics != null && path.equals("/dashboard"))
        {
            dashboard(ctx, request);
        }
        else
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.NOT_FOUND, NOT_FOUND);
        }
    }

    private void metrics(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD))
        {
            methodNotAllowed(ctx, request, "GET, HEAD");
            return;
        }
        HttpResponses.send(ctx, request, HttpResponses.response(ctx, HttpResponseStatus.OK, PROMETHEUS_TEXT,
            metrics.get().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The live page for operators, from the jar: charts of what {@code /metrics} shows (it reads nothing else
     * without the master token) and a console that speaks mist over a WebSocket to this listener.
     */
    private static void dashboard(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD))
        {
            methodNotAllowed(ctx, request, "GET, HEAD");
            return;
        }
        final FullHttpResponse response = HttpResponses.response(ctx, HttpResponseStatus.OK,
            "text/html; charset=utf-8", DashboardPage.BYTES);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        response.headers().set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; " +
            "style-src 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:");
        HttpResponses.send(ctx, request, response);
    }

    /**
     * Whether a browser request from {@code origin} may use this listener: an origin {@code --allowed-origins}
     * lists, or this listener's own (a page it served, such as the dashboard) when it is reached by an IP address or
     * {@code localhost}. Not by another name: a page whose name an attacker re-points at this address (DNS rebinding)
     * would be "its own origin" too, so names must be listed.
     */
    private boolean allowed(final ChannelHandlerContext ctx, final FullHttpRequest request, final String origin)
    {
        if (config.allowsOrigin(origin))
        {
            return true;
        }
        final String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null || origin == null)
        {
            return false;
        }
        final String self = (ctx.pipeline().get(SslHandler.class) != null ? "https://" : "http://") + host;
        final String name = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']'))) :
            host.replaceFirst(":\\d+$", "");
        final boolean literal = name.equalsIgnoreCase("localhost") || name.matches("[0-9.]+") || name.contains(":");
        return literal && self.equalsIgnoreCase(origin);
    }

    /** The open connections; with an authenticator, for the master token only. */
    private void connections(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final QueryStringDecoder uri)
    {
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD))
        {
            methodNotAllowed(ctx, request, "GET, HEAD");
            return;
        }
        final Access access = HttpTokens.admitted(ctx, request, uri, gate, held);
        if (access == null)
        {
            return;
        }
        if (gate.enabled() && access.kind() != Access.Kind.ADMIN)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.FORBIDDEN,
                "403 Forbidden: /connections needs the master token\n");
            return;
        }
        final String report;
        try
        {
            report = ConnectionsReport.render(connections, uri.parameters());
        }
        catch (final IllegalArgumentException ex)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, "400 Bad Request: " + ex.getMessage() +
                "\n");
            return;
        }
        HttpResponses.send(ctx, request, HttpResponses.response(ctx, HttpResponseStatus.OK, HttpResponses.JSON,
            report.getBytes(StandardCharsets.UTF_8)));
    }

    private void health(final ChannelHandlerContext ctx, final FullHttpRequest request, final String path)
    {
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD))
        {
            methodNotAllowed(ctx, request, "GET, HEAD");
            return;
        }
        final boolean up = path.equals("/health/live") || ready.getAsBoolean();
        final String why = up && !path.equals("/health/live") ? degraded.get() : null;
        final String body = !up ? "{\"status\":\"stopping\"}\n" : why == null ? "{\"status\":\"ok\"}\n" :
            "{\"status\":\"degraded\",\"reason\":\"" + why + "\"}\n"; // a fixed text of the server's own
        HttpResponses.send(ctx, request, HttpResponses.response(ctx,
            up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, HttpResponses.JSON,
            body.getBytes(StandardCharsets.UTF_8)));
    }

    private void publish(final ChannelHandlerContext ctx, final FullHttpRequest request, final QueryStringDecoder uri)
    {
        if (!request.method().equals(HttpMethod.POST))
        {
            methodNotAllowed(ctx, request, "POST");
            return;
        }
        if (!ready.getAsBoolean())
        {
            HttpResponses.jsonError(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, Command.PUBLISH,
                "server is shutting down");
            return;
        }
        final Access access = HttpTokens.admitted(ctx, request, uri, gate, held);
        if (access == null)
        {
            return;
        }
        if (publishReader == null)
        {
            publishReader = new PublishRequestReader();
            publisher = engine.publisher();
        }
        try
        {
            publishReader.read(request, frame);
        }
        catch (final FrameException ex)
        {
            HttpResponses.jsonError(ctx, request, HttpResponseStatus.BAD_REQUEST, Command.PUBLISH, ex.getMessage());
            return;
        }
        catch (final IllegalArgumentException ex)
        {
            HttpResponses.jsonError(ctx, request, HttpResponseStatus.BAD_REQUEST, Command.PUBLISH,
                "invalid form body: " + ex.getMessage());
            return;
        }
        // Each request brings its own token, so each one sets what this connection's publisher may do.
        publisher.restrict(access.kind() == Access.Kind.RESTRICTED ? TagGrants.of(engine, access.grant()) : null);
        offerPublish(ctx, request);
    }

    /** Offers the publish parsed into {@link #frame}, and answers it unless the ring has no room for it yet. */
    private void offerPublish(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final Offer offer = publisher.publish(frame);
        if (offer == Offer.FULL)
        {
            held.waitHere(ctx);
            ctx.executor().schedule(() -> held.again(ctx, () -> offerPublish(ctx, held.head())), RETRY_MICROS,
                java.util.concurrent.TimeUnit.MICROSECONDS);
            return;
        }
        frame.trim(64 * 1024);
        final Refusal refusal = offer == Offer.STOPPED ? null : publisher.refusal();
        if (offer == Offer.PUBLISHED && refusal == null)
        {
            HttpResponses.send(ctx, request, HttpResponses.response(ctx, HttpResponseStatus.ACCEPTED, null,
                new byte[0]));
        }
        else if (offer == Offer.STOPPED)
        {
            HttpResponses.jsonError(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, Command.PUBLISH,
                "server is shutting down");
        }
        else
        {
            HttpResponses.jsonError(ctx, request, refusal == Refusal.FORBIDDEN_PUBLISH ? HttpResponseStatus.FORBIDDEN :
                HttpResponseStatus.BAD_REQUEST, Command.PUBLISH, publisher.refusalText());
        }
    }

    private void webSocket(final ChannelHandlerContext ctx, final FullHttpRequest request, final QueryStringDecoder uri)
    {
        if (!request.method().equals(HttpMethod.GET))
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.NOT_FOUND, NOT_FOUND);
            return;
        }
        if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true))
        {
            // As mist (gorilla/websocket): a plain GET of the endpoint.
            final FullHttpResponse response = HttpResponses.response(ctx, HttpResponseStatus.BAD_REQUEST,
                HttpResponses.TEXT, "Bad Request\n".getBytes(StandardCharsets.US_ASCII));
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            HttpResponses.send(ctx, request, response);
            return;
        }
        final Access access = HttpTokens.admitted(ctx, request, uri, gate, held);
        if (access == null)
        {
            return;
        }
        if (!ready.getAsBoolean())
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                "503 Service Unavailable: the server is shutting down\n");
            return;
        }
        final String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!allowed(ctx, request, origin))
        {
            LOG.info("WebSocket upgrade from {} refused: origin '{}' is not allowed", ctx.channel().remoteAddress(),
                origin);
            HttpResponses.text(ctx, request, HttpResponseStatus.FORBIDDEN, "403 Forbidden: origin not allowed\n");
            return;
        }
        WebSocketUpgrade.upgrade(ctx, request, uri.path(), config.maxFrameSize(), this, engine.counters(),
            ex -> "400 Bad Request: " + ex.getMessage() + "\n", handshaker -> new ChannelHandler[] {
                new WebSocketFrameHandler(engine, handshaker, config.maxFrameSize(), gate, access, retention)});
    }

    /** The handler that adds CORS headers to {@code /publish} responses; it goes before the aggregator. */
    public static io.netty.channel.ChannelHandler publishCors(final TransportConfig config)
    {
        return new HttpCors(config, "/publish"::equals);
    }

    /**
     * A browser's preflight before a cross-origin {@code POST /publish} with a JSON body or a token header: what may
     * be sent ({@link HttpCors} adds the origin). Any other {@code OPTIONS} gets the methods the path takes.
     */
    private static void preflight(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final FullHttpResponse response = HttpResponses.response(ctx, HttpResponseStatus.NO_CONTENT, null, new byte[0]);
        response.headers().set(HttpHeaderNames.ALLOW, "POST, OPTIONS");
        if (request.headers().contains(HttpHeaderNames.ORIGIN))
        {
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST");
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, X-AUTH-TOKEN");
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
        }
        HttpResponses.send(ctx, request, response);
    }

    /** mist's router: {@code 301} to the clean path, the query kept. */
    private static void redirectToClean(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final String path)
    {
        final int query = request.uri().indexOf('?');
        final FullHttpResponse response = HttpResponses.response(ctx, HttpResponseStatus.MOVED_PERMANENTLY,
            HttpResponses.TEXT, new byte[0]);
        response.headers().set(HttpHeaderNames.LOCATION,
            CleanPath.encode(CleanPath.of(path)) + (query < 0 ? "" : request.uri().substring(query)));
        HttpResponses.send(ctx, request, response);
    }

    private static void methodNotAllowed(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final String allow)
    {
        final FullHttpResponse response = HttpResponses.response(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
            HttpResponses.TEXT,
            ("405 Method Not Allowed: use " + allow + "\n").getBytes(StandardCharsets.US_ASCII));
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        HttpResponses.send(ctx, request, response);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        held.release();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ConnectionFailure.close(ctx, engine, "HTTP client " + ctx.channel().remoteAddress(), cause);
    }
}
