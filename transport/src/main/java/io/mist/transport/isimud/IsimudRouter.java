package io.mist.transport.isimud;

import io.mist.codec.MistFrame;
import io.mist.engine.Engine;
import io.mist.engine.ingress.MessagePublisher;
import io.mist.engine.ring.Offer;
import io.mist.transport.http.HttpResponses;
import io.mist.transport.http.WebSocketUpgrade;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * isimud's HTTP API on mist's engine (tropicbliss/isimud): {@code POST /pub} publishes {@code {"topic","data"}} as
 * the publisher named by HTTP Basic auth's user (the password is {@code --isimud-password}, compared in constant
 * time), {@code GET /sub} upgrades to isimud's subscriber WebSocket ({@link IsimudSocketHandler}), {@code GET /}
 * redirects to isimud's homepage unless turned off. Statuses and bodies are isimud's: 200 with an empty body,
 * 401/400 {@code {"error":"Wrong credentials"}}/{@code {"error":"Missing credentials"}}, and the JSON extractor's
 * 415/400/422 before those. When the inbound ring is full, a publish waits for room (and requests behind it with it).
 * One per connection; its event loop.
 */
public final class IsimudRouter extends SimpleChannelInboundHandler<FullHttpRequest>
{
    /** Where isimud's {@code GET /} redirects. */
    public static final String HOMEPAGE = "https://github.com/tropicbliss/isimud";
    private static final long RETRY_MICROS = 200;

    private final Engine engine;
    private final int maxMessageSize;
    private final byte[] passwordDigest;
    private final boolean homepage;
    private final MistFrame frame = new MistFrame();
    private final ArrayDeque<FullHttpRequest> held = new ArrayDeque<>();
    private MessagePublisher publisher;
    private boolean publishWaiting;

    /**
     * @param password the publishers' password ({@code --isimud-password}).
     * @param homepage whether {@code GET /} redirects to isimud's homepage (else 404), as isimud's HOMEPAGE.
     */
    public IsimudRouter(final Engine engine, final int maxMessageSize, final String password, final boolean homepage)
    {
        this.engine = engine;
        this.maxMessageSize = maxMessageSize;
        this.passwordDigest = digest(password);
        this.homepage = homepage;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (!held.isEmpty())
        {
            held.add(request.retain());
            return;
        }
        route(ctx, request);
        if (publishWaiting)
        {
            held.addFirst(request.retain());
        }
    }

    private void route(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final String path;
        try
        {
            path = new QueryStringDecoder(request.uri()).path();
        }
        catch (final IllegalArgumentException ex)
        {
            send(ctx, request, HttpResponseStatus.BAD_REQUEST, null, new byte[0]);
            return;
        }
        final boolean get = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
        if (path.equals("/") && get)
        {
            if (homepage)
            {
                final FullHttpResponse response = HttpResponses.response(ctx, HttpResponseStatus.SEE_OTHER, null,
                    new byte[0]);
                response.headers().set(HttpHeaderNames.LOCATION, HOMEPAGE);
                HttpResponses.send(ctx, request, response);
            }
            else
            {
                send(ctx, request, HttpResponseStatus.NOT_FOUND, null, new byte[0]);
            }
        }
        else if (path.equals("/pub") && request.method().equals(HttpMethod.POST))
        {
            publish(ctx, request);
        }
        else if (path.equals("/sub") && get)
        {
            subscribe(ctx, request);
        }
        else if (path.equals("/") || path.equals("/pub") || path.equals("/sub"))
        {
            send(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, null, new byte[0]);
        }
        else
        {
            send(ctx, request, HttpResponseStatus.NOT_FOUND, null, new byte[0]);
        }
    }

    private void publish(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        // As isimud's handler: the JSON body is extracted (and refused) before the credentials are looked at.
        final String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json") && !type.matches("application/[^;]*\\+json.*"))
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                "Expected request with `Content-Type: application/json`");
            return;
        }
        final byte[] body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        final Map<String, String> members;
        try
        {
            members = FlatJson.parse(body);
        }
        catch (final IllegalArgumentException ex)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST,
                "Failed to parse the request body as JSON: " + ex.getMessage());
            return;
        }
        final String topic;
        final String data;
        try
        {
            topic = FlatJson.required(members, "topic");
            data = FlatJson.required(members, "data");
        }
        catch (final IllegalArgumentException ex)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.UNPROCESSABLE_ENTITY,
                "Failed to deserialize the JSON body into the target type: " + ex.getMessage());
            return;
        }
        final String[] credentials = basic(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (credentials == null)
        {
            json(ctx, request, HttpResponseStatus.BAD_REQUEST, "Missing credentials");
            return;
        }
        if (!MessageDigest.isEqual(digest(credentials[1]), passwordDigest))
        {
            json(ctx, request, HttpResponseStatus.UNAUTHORIZED, "Wrong credentials");
            return;
        }
        if (publisher == null)
        {
            publisher = engine.publisher();
        }
        frame.clear(io.mist.codec.Command.PUBLISH);
        for (final String tag : new String[] {IsimudTags.publisher(credentials[0]), IsimudTags.topic(topic)})
        {
            final byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
            frame.addTag(bytes, 0, bytes.length);
        }
        final byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        frame.setData(bytes, 0, bytes.length);
        offer(ctx, request);
    }

    private void offer(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final Offer offer = publisher.publish(frame);
        if (offer == Offer.FULL)
        {
            if (!publishWaiting)
            {
                publishWaiting = true;
                ctx.channel().config().setAutoRead(false);
            }
            ctx.executor().schedule(() -> retry(ctx), RETRY_MICROS, TimeUnit.MICROSECONDS);
            return;
        }
        publishWaiting = false;
        if (offer == Offer.STOPPED)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down");
        }
        else if (publisher.refusal() != null)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, publisher.refusalText());
        }
        else
        {
            send(ctx, request, HttpResponseStatus.OK, null, new byte[0]);
        }
    }

    /** The publish at the head of {@link #held} offers again; then what came behind it is handled, in order. */
    private void retry(final ChannelHandlerContext ctx)
    {
        if (!ctx.channel().isActive() || held.isEmpty())
        {
            publishWaiting = false;
            return;
        }
        final FullHttpRequest head = held.peekFirst();
        offer(ctx, head);
        if (publishWaiting)
        {
            return;
        }
        held.pollFirst().release();
        while (!held.isEmpty() && !publishWaiting)
        {
            final FullHttpRequest next = held.pollFirst();
            try
            {
                route(ctx, next);
                if (publishWaiting)
                {
                    held.addFirst(next.retain());
                }
            }
            finally
            {
                next.release();
            }
        }
        if (!publishWaiting)
        {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void subscribe(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        WebSocketUpgrade.upgrade(ctx, request, "/sub", maxMessageSize, this,
            ex -> "Connection header did not include 'upgrade'", handshaker -> new ChannelHandler[] {
                new WebSocketFrameAggregator(maxMessageSize), new IsimudSocketHandler(engine, handshaker)});
    }

    /** The user and password of an HTTP Basic {@code Authorization}; null when missing, not Basic or malformed. */
    private static String[] basic(final String header)
    {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6))
        {
            return null;
        }
        try
        {
            final String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                StandardCharsets.UTF_8);
            final int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    private static byte[] digest(final String text)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void json(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final HttpResponseStatus status, final String error)
    {
        send(ctx, request, status, HttpResponses.JSON,
            ("{\"error\":\"" + error + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final HttpResponseStatus status, final String type, final byte[] body)
    {
        HttpResponses.send(ctx, request, HttpResponses.response(ctx, status, type, body));
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        publishWaiting = false;
        for (FullHttpRequest request = held.poll(); request != null; request = held.poll())
        {
            request.release();
        }
        super.channelInactive(ctx);
    }
}
