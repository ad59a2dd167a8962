package io.mist.transport.msgbus;

import io.mist.auth.Access;
import io.mist.auth.AccessControl;
import io.mist.codec.Command;
import io.mist.codec.MistFrame;
import io.mist.engine.Engine;
import io.mist.engine.ingress.MessagePublisher;
import io.mist.engine.ingress.Refusal;
import io.mist.engine.ring.Offer;
import io.mist.retention.RetainedMessage;
import io.mist.retention.RetainedTopic;
import io.mist.retention.RetentionClient;
import io.mist.retention.RetentionStore;
import io.mist.retention.TopicTable;
import io.mist.transport.TagGrants;
import io.mist.transport.TransportConfig;
import io.mist.transport.http.HeldRequests;
import io.mist.transport.http.HttpCors;
import io.mist.transport.http.HttpRequests;
import io.mist.transport.http.HttpResponses;
import io.mist.transport.http.HttpTokens;
import io.mist.transport.http.WebSocketUpgrade;
import io.netty.buffer.ByteBufUtil;
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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * msgbus's HTTP API on mist's engine (prologic/msgbus): {@code GET /} lists the topics, {@code PUT}/{@code POST
 * /TOPIC} publishes the body to the mist tag TOPIC ({@code 202}), {@code GET /TOPIC} pulls the oldest kept message
 * ({@code 404} when none), {@code GET /TOPIC} with {@code Upgrade: websocket} pushes each new message (after the kept
 * ones from {@code ?index=N}), {@code DELETE /TOPIC} deletes the topic and what it keeps. The messages are kept by the
 * {@link RetentionStore}; requests that read it wait for its answer (and requests behind them with them). Tokens as
 * on mist's HTTP listener; a restricted token may use only its tags as topics. One per connection; its event loop.
 */
public final class MsgbusRouter extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final long RETRY_MICROS = 200;
    private static final String ALLOW = "GET, PUT, POST, DELETE";
    /** How long a request waits for the store's answer before it is answered 503. */
    private static final long ANSWER_SECONDS = 5;

    /** An answer computed on the retention thread, sent on the event loop. */
    private record Answer(HttpResponseStatus status, String type, byte[] body)
    {
    }

    private final Engine engine;
    private final RetentionStore store;
    private final AccessControl gate;
    private final TransportConfig config;
    private final HeldRequests held = new HeldRequests(this::route);
    private final MistFrame frame = new MistFrame();
    private RetentionClient retention;
    private MessagePublisher publisher;

    public MsgbusRouter(final Engine engine, final RetentionStore store, final AccessControl gate,
        final TransportConfig config)
    {
        this.engine = engine;
        this.store = store;
        this.gate = gate;
        this.config = config;
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
        final String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !config.allowsOrigin(origin))
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.FORBIDDEN,
                "403 Forbidden: origin not allowed (--allowed-origins)\n");
            return;
        }
        if (request.method().equals(HttpMethod.OPTIONS))
        {
            preflight(ctx, request);
            return;
        }
        final Access access = HttpTokens.admitted(ctx, request, uri, gate, held);
        if (access == null)
        {
            return;
        }
        if (retention == null)
        {
            retention = store.client();
            publisher = engine.publisher();
        }
        final String topic = trim(path);
        final HttpMethod method = request.method();
        if (topic.isEmpty())
        {
            if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD))
            {
                ask(ctx, request, (table, now) -> new Answer(HttpResponseStatus.OK, HttpResponses.JSON,
                    MsgbusJson.topics(granted(table, access))));
            }
            else
            {
                methodNotAllowed(ctx, request, "GET, HEAD");
            }
            return;
        }
        if (method.equals(HttpMethod.PUT) || method.equals(HttpMethod.POST))
        {
            publish(ctx, request, topic, access);
            return;
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.DELETE))
        {
            methodNotAllowed(ctx, request, ALLOW);
            return;
        }
        if (access.kind() == Access.Kind.RESTRICTED && !access.grant().tags().contains(topic))
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.FORBIDDEN, "403 Forbidden: this token may not use " +
                "the topic '" + topic + "'\n");
            return;
        }
        if (method.equals(HttpMethod.DELETE))
        {
            ask(ctx, request, (table, now) ->
            {
                table.delete(topic);
                return new Answer(HttpResponseStatus.NO_CONTENT, null, new byte[0]);
            });
            return;
        }
        if (!prepared(ctx, request, topic))
        {
            return;
        }
        if (request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true))
        {
            subscribe(ctx, request, uri, topic);
            return;
        }
        ask(ctx, request, (table, now) ->
        {
            final RetainedTopic kept = table.find(topic);
            final RetainedMessage message = kept == null ? null : table.pull(kept);
            return message == null ? notFound(topic) : new Answer(HttpResponseStatus.OK, HttpResponses.JSON,
                MsgbusJson.message(kept, message, table.payload(message)));
        });
    }

    /** The topic of a path: without its leading and trailing slashes, as msgbus takes it. */
    private static String trim(final String path)
    {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/')
        {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/')
        {
            end--;
        }
        return path.substring(start, end);
    }

    private static List<RetainedTopic> granted(final TopicTable table, final Access access)
    {
        final List<RetainedTopic> topics = new ArrayList<>(table.topics());
        if (access.kind() == Access.Kind.RESTRICTED)
        {
            topics.removeIf(topic -> !access.grant().tags().contains(topic.name()));
        }
        return topics;
    }

    private static Answer notFound(final String topic)
    {
        return new Answer(HttpResponseStatus.NOT_FOUND, HttpResponses.TEXT,
            ("no messages enqueued for topic: " + topic + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Makes the topic known to the store before the request's own event; false when the request was answered or
     * waits to be tried again (the ring was full).
     */
    private boolean prepared(final ChannelHandlerContext ctx, final FullHttpRequest request, final String topic)
    {
        switch (retention.prepare(topic))
        {
            case READY:
                return true;
            case FULL:
                later(ctx);
                return false;
            case TOO_MANY_TOPICS:
                HttpResponses.text(ctx, request, HttpResponseStatus.INSUFFICIENT_STORAGE, "too many topics: at most " +
                    store.options().maxTopics() + " (--msgbus-max-topics)\n");
                return false;
            default:
                HttpResponses.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down\n");
                return false;
        }
    }

    /** The request waits; it is routed again in a moment (the inbound ring was full). */
    private void later(final ChannelHandlerContext ctx)
    {
        held.waitHere(ctx);
        ctx.executor().schedule(() -> held.again(ctx, () -> route(ctx, held.head())), RETRY_MICROS,
            TimeUnit.MICROSECONDS);
    }

    /** Answers the request from the store: the request waits until the retention thread has computed the answer. */
    private void ask(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final BiFunction<TopicTable, Long, Answer> query)
    {
        final Offer offer = retention.run((table, now) ->
        {
            final Answer answer = query.apply(table, now);
            ctx.executor().execute(() -> held.again(ctx, () -> send(ctx, held.head(), answer)));
        });
        if (offer == Offer.FULL)
        {
            later(ctx);
        }
        else if (offer == Offer.STOPPED)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down\n");
        }
        else
        {
            held.waitHere(ctx);
            final long id = retention.lastOperation();
            ctx.executor().schedule(() ->
            {
                if (retention.cancel(id)) // the store never got to it (its queue from the matcher was full)
                {
                    held.again(ctx, () -> HttpResponses.text(ctx, held.head(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "the message store is busy; try again\n"));
                }
            }, ANSWER_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static void send(final ChannelHandlerContext ctx, final FullHttpRequest request, final Answer answer)
    {
        final FullHttpResponse response = HttpResponses.response(ctx, answer.status(), answer.type(), answer.body());
        if (HttpResponses.TEXT.equals(answer.type()))
        {
            response.headers().set("X-Content-Type-Options", "nosniff"); // as Go's http.Error
        }
        HttpResponses.send(ctx, request, response);
    }

    private void publish(final ChannelHandlerContext ctx, final FullHttpRequest request, final String topic,
        final Access access)
    {
        if (!prepared(ctx, request, topic))
        {
            return;
        }
        frame.clear(Command.PUBLISH);
        final byte[] tag = topic.getBytes(StandardCharsets.UTF_8);
        frame.addTag(tag, 0, tag.length);
        final byte[] body = ByteBufUtil.getBytes(request.content());
        frame.setData(body, 0, body.length);
        publisher.restrict(access.kind() == Access.Kind.RESTRICTED ? TagGrants.of(engine, access.grant()) : null);
        final Offer offer = publisher.publish(frame);
        frame.trim(64 * 1024);
        if (offer == Offer.FULL)
        {
            later(ctx);
        }
        else if (offer == Offer.STOPPED)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down\n");
        }
        else if (publisher.refusal() != null)
        {
            HttpResponses.text(ctx, request, publisher.refusal() == Refusal.FORBIDDEN_PUBLISH ?
                HttpResponseStatus.FORBIDDEN : HttpResponseStatus.BAD_REQUEST, publisher.refusalText() + "\n");
        }
        else
        {
            HttpResponses.send(ctx, request, HttpResponses.response(ctx, HttpResponseStatus.ACCEPTED, null,
                new byte[0]));
        }
    }

    /** A WebSocket of the topic's new messages, after the kept ones from {@code ?index=N} when it is given. */
    private void subscribe(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final QueryStringDecoder uri, final String topic)
    {
        final String index = HttpTokens.parameter(uri, "index");
        final long from;
        try
        {
            from = index == null ? -1 : Long.parseLong(index);
            if (from < -1)
            {
                throw new NumberFormatException();
            }
        }
        catch (final NumberFormatException ex)
        {
            HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, "400 Bad Request: index must be a " +
                "message id (0 or more), got '" + index + "'\n");
            return;
        }
        final MsgbusSocket[] socket = new MsgbusSocket[1];
        WebSocketUpgrade.upgrade(ctx, request, uri.path(), config.maxFrameSize(), this, engine.counters(),
            ex -> "400 Bad Request: " + ex.getMessage() + "\n", handshaker ->
            {
                socket[0] = new MsgbusSocket(ctx.channel(), handshaker, engine.config().clientBufferSize());
                return new ChannelHandler[] {socket[0]};
            });
        if (socket[0] == null)
        {
            return; // answered: not a WebSocket handshake after all
        }
        follow(ctx, topic, socket[0], from);
    }

    /** Adds the socket to the topic on the retention thread; offered again while the ring is full. */
    private void follow(final ChannelHandlerContext ctx, final String topic, final MsgbusSocket socket,
        final long from)
    {
        final Offer offer = retention.run((table, now) ->
        {
            final RetainedTopic kept = table.topic(topic, now);
            if (kept != null)
            {
                table.subscribe(kept, socket, from);
            }
        });
        if (offer == Offer.FULL && ctx.channel().isActive())
        {
            ctx.executor().schedule(() -> follow(ctx, topic, socket, from), RETRY_MICROS, TimeUnit.MICROSECONDS);
        }
        else if (offer == Offer.STOPPED)
        {
            ctx.close();
        }
    }

    /**
     * A browser's preflight before a cross-origin request with a body or a token header ({@link HttpCors} adds the
     * origin).
     */
    private static void preflight(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final FullHttpResponse response = HttpResponses.response(ctx, HttpResponseStatus.NO_CONTENT, null, new byte[0]);
        response.headers().set(HttpHeaderNames.ALLOW, ALLOW + ", OPTIONS");
        if (request.headers().contains(HttpHeaderNames.ORIGIN))
        {
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW);
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, X-AUTH-TOKEN");
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
        }
        HttpResponses.send(ctx, request, response);
    }

    private static void methodNotAllowed(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final String allow)
    {
        final FullHttpResponse response = HttpResponses.response(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
            HttpResponses.TEXT, ("405 Method Not Allowed: use " + allow + "\n").getBytes(StandardCharsets.US_ASCII));
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
        io.mist.transport.ConnectionFailure.close(ctx, engine, "msgbus client " + ctx.channel().remoteAddress(),
            cause);
    }
}
