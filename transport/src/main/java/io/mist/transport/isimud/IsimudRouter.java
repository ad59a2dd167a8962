package io.mist.transport.isimud;

import io.mist.auth.Access;
import io.mist.auth.AccessControl;
import io.mist.codec.MistFrame;
import io.mist.engine.Engine;
import io.mist.engine.ingress.MessagePublisher;
import io.mist.engine.ring.Offer;
import io.mist.transport.http.HeldRequests;
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
    private final AccessControl subscribers;
    private final MistFrame frame = new MistFrame();
    /** Requests behind one that waits: a publish for room in the ring, a subscriber's token for the auth URL. */
    private final HeldRequests held = new HeldRequests(this::route);
    private MessagePublisher publisher;

    /**
     * @param password the publishers' password ({@code --isimud-password}).
     * @param homepage whether {@code GET /} redirects to isimud's homepage (else 404), as isimud's HOMEPAGE.
     * @param subscribers decides {@code /sub}'s bearer tokens (isimud's AUTH_URL, {@code --auth-url}); null when
     *     {@code /sub} is open.
     */
    public IsimudRouter(final Engine engine, final int maxMessageSize, final String password, final boolean homepage,
        final AccessControl subscribers)
    {
        this.engine = engine;
        this.maxMessageSize = maxMessageSize;
        this.passwordDigest = digest(password);
        this.homepage = homepage;
        this.subscribers = subscribers;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        held.read(ctx, request);
    }

    private void route(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        io.mist.transport.ConnectionLimits.identified(ctx.channel());
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
            held.waitHere(ctx);
            ctx.executor().schedule(() -> held.again(ctx, () -> offer(ctx, held.head())), RETRY_MICROS,
                TimeUnit.MICROSECONDS);
            return;
        }
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

    /**
     * isimud's subscriber WebSocket. With an auth URL, as isimud's AUTH_URL: {@code Authorization: Bearer T} is
     * needed (400 {@code Missing credentials}), a token the URL refuses, or fails on with a 5xx, gets 401
     * {@code Wrong credentials}, and one it could not be asked about (timeout, unreachable) 500
     * {@code Internal server error}; tags the URL answers restrict what the socket may subscribe to.
     */
    private void subscribe(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        Access access = Access.ANONYMOUS;
        if (subscribers != null)
        {
            final String token = bearer(request.headers().get(HttpHeaderNames.AUTHORIZATION));
            if (token == null)
            {
                json(ctx, request, HttpResponseStatus.BAD_REQUEST, "Missing credentials");
                return;
            }
            access = held.access(ctx, subscribers, token);
            if (access == null)
            {
                return; // routed again with the auth URL's answer
            }
            if (access.kind() == Access.Kind.UNAVAILABLE && access.urlStatus() == 0)
            {
                json(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal server error");
                return;
            }
            if (!access.admitted())
            {
                json(ctx, request, HttpResponseStatus.UNAUTHORIZED, "Wrong credentials");
                return;
            }
        }
        final Access granted = access;
        WebSocketUpgrade.upgrade(ctx, request, "/sub", maxMessageSize, this, engine.counters(),
            ex -> "Connection header did not include 'upgrade'", handshaker -> new ChannelHandler[] {
                new WebSocketFrameAggregator(maxMessageSize), new IsimudSocketHandler(engine, handshaker, granted)});
    }

    /** The token of an {@code Authorization: Bearer} header; null when missing, not Bearer or empty. */
    private static String bearer(final String header)
    {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7))
        {
            return null;
        }
        final String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
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
        held.release();
        super.channelInactive(ctx);
    }
}
