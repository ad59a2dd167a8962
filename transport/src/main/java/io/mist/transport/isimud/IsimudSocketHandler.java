package io.mist.transport.isimud;

import io.mist.auth.Access;
import io.mist.auth.AccessControl;
import io.mist.codec.Command;
import io.mist.codec.MistFrame;
import io.mist.engine.Engine;
import io.mist.transport.ClientConnection;
import io.mist.transport.FrameOutcome;
import io.mist.transport.ws.WebSocketControl;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * One isimud subscriber's WebSocket ({@code /sub}), after the upgrade: each text message
 * {@code {"publisher":"…","topic":"…"}} subscribes to that publisher's topic, replacing the connection's previous
 * subscription (isimud keeps the last one); from then on every message of that publisher on that topic arrives as a
 * text frame of its data alone ({@link IsimudFraming}). A message that is not that closes the connection with code
 * 1007 (1003 for a binary one) and a reason saying why, rather than isimud's silent end. Whole messages (an
 * aggregator sits before it). Its event loop.
 */
final class IsimudSocketHandler extends ChannelInboundHandlerAdapter
{
    private static final String EXPECTED = "expected {\"publisher\":\"…\",\"topic\":\"…\"}";

    private final Engine engine;
    private final WebSocketServerHandshaker handshaker;
    /** What the subscriber's token opened (isimud's AUTH_URL); anonymous without one. */
    private final Access access;
    /** Subscription changes the ring had no room for yet, in order. */
    private final ArrayDeque<MistFrame> waiting = new ArrayDeque<>();
    private ClientConnection connection;
    private ChannelHandlerContext context;
    private String[] subscribed;

    IsimudSocketHandler(final Engine engine, final WebSocketServerHandshaker handshaker, final Access access)
    {
        this.engine = engine;
        this.handshaker = handshaker;
        this.access = access;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
        connection = ClientConnection.open(engine, ctx.channel(), "isimud", false, new IsimudFraming(),
            AccessControl.OPEN, Access.ANONYMOUS);
        connection.onResume(this::resume);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message) throws Exception
    {
        if (!(message instanceof WebSocketFrame))
        {
            ctx.fireChannelRead(message);
            return;
        }
        final WebSocketFrame frame = (WebSocketFrame)message;
        try
        {
            if (frame instanceof TextWebSocketFrame)
            {
                subscribe(ctx, frame.content().toString(StandardCharsets.UTF_8));
            }
            else if (frame instanceof BinaryWebSocketFrame)
            {
                close(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "Invalid message: isimud takes text frames, " +
                    EXPECTED);
            }
            else
            {
                WebSocketControl.answer(ctx, handshaker, frame);
            }
        }
        finally
        {
            frame.release();
        }
    }

    private void subscribe(final ChannelHandlerContext ctx, final String text)
    {
        final String publisher;
        final String topic;
        try
        {
            final Map<String, String> members = FlatJson.parse(text.getBytes(StandardCharsets.UTF_8));
            publisher = FlatJson.required(members, "publisher");
            topic = FlatJson.required(members, "topic");
        }
        catch (final IllegalArgumentException ex)
        {
            close(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "Invalid message: " + ex.getMessage() + "; " +
                EXPECTED);
            return;
        }
        final String[] next = {IsimudTags.publisher(publisher), IsimudTags.topic(topic)};
        if (access.kind() == Access.Kind.RESTRICTED && !access.grant().tags().contains(next[0]) &&
            !access.grant().tags().contains(next[1]))
        {
            // The rule of a restricted mist subscription: at least one of its tags must be granted.
            close(ctx, WebSocketCloseStatus.POLICY_VIOLATION, "Forbidden: the token's tags include neither " +
                next[0] + " nor " + next[1]);
            return;
        }
        if (subscribed != null)
        {
            waiting.add(frame(Command.UNSUBSCRIBE, subscribed));
        }
        waiting.add(frame(Command.SUBSCRIBE, next));
        subscribed = next;
        resume();
    }

    /** Offers what waits, in order; stops reading while the ring has no room (the connection resumes it). */
    private void resume()
    {
        while (!waiting.isEmpty())
        {
            if (connection.handle(waiting.peekFirst()) == FrameOutcome.BLOCKED)
            {
                context.channel().config().setAutoRead(false);
                return;
            }
            waiting.pollFirst();
        }
        context.channel().config().setAutoRead(true);
    }

    private static MistFrame frame(final Command command, final String[] tags)
    {
        final MistFrame frame = new MistFrame();
        frame.clear(command);
        for (final String tag : tags)
        {
            final byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
            frame.addTag(bytes, 0, bytes.length);
        }
        return frame;
    }

    private static void close(final ChannelHandlerContext ctx, final WebSocketCloseStatus status, final String reason)
    {
        // A close reason holds at most 123 bytes.
        final byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        final String fitting = bytes.length <= 123 ? reason : new String(bytes, 0, 120, StandardCharsets.UTF_8) + "…";
        ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), fitting)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        connection.writabilityChanged(ctx.channel());
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        connection.closed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        close(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "Invalid message: " + cause.getMessage());
    }
}
