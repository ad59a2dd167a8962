package io.mist.transport.ws;

import io.mist.auth.Access;
import io.mist.auth.AccessControl;
import io.mist.codec.JsonFrameScanner;
import io.mist.engine.Engine;
import io.mist.transport.ClientConnection;
import io.mist.transport.ConnectionFailure;
import io.mist.transport.FrameOutcome;
import io.mist.transport.FrameReader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * One WebSocket client: each text or binary message (fragments joined, up to the frame limit) holds one mist JSON
 * message, which goes to the engine as a TCP frame would; anything after the first JSON value in a message is ignored,
 * as mist does. A bad message gets an error reply and the connection stays up. Replies and deliveries leave through
 * the client's outbound ring as text frames ({@link WebSocketTextFraming}); the unknown-command reply does not echo,
 * as mist's WebSocket listener. Pings are answered with pongs, a close with a close. While an admin command runs, or
 * while the inbound ring has no room, messages wait in order and the socket is not read. Its event loop only.
 */
public final class WebSocketFrameHandler extends ChannelDuplexHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrameHandler.class);

    private final Engine engine;
    private final WebSocketServerHandshaker handshaker;
    private final int maxMessageSize;
    private final JsonFrameScanner scanner;
    private final FrameReader reader = new FrameReader();
    private final io.mist.retention.RetentionStore retention;
    private final AccessControl control;
    private final Access access;
    /**
     * Messages that arrived while an admin command ran or that the ring had no room for, in order; handled when it is
     * answered or there is room.
     */
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private boolean paused;
    private ChannelHandlerContext context;
    private ClientConnection connection;
    /** A fragmented message being joined; null between messages. */
    private ByteBuf fragments;

    /** @param access what the upgrade request's token opened. */
    /** @param retention keeps the messages a subscription may ask to replay ({@code since}); null for none. */
    public WebSocketFrameHandler(final Engine engine, final WebSocketServerHandshaker handshaker,
        final int maxMessageSize, final AccessControl control, final Access access,
        final io.mist.retention.RetentionStore retention)
    {
        this.retention = retention;
        this.control = control;
        this.access = access;
        this.engine = engine;
        this.handshaker = handshaker;
        this.maxMessageSize = maxMessageSize;
        this.scanner = new JsonFrameScanner(maxMessageSize);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
        final boolean tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
        connection = ClientConnection.open(engine, ctx.channel(), tls ? "WebSocket (TLS)" : "WebSocket", false,
            WebSocketTextFraming.INSTANCE, control, access);
        connection.onResume(this::resume);
        connection.retention(retention);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message) throws Exception
    {
        if (!(message instanceof WebSocketFrame))
        {
            ctx.fireChannelRead(message);
            return;
        }
        final WebSocketFrame wsFrame = (WebSocketFrame)message;
        try
        {
            if (wsFrame instanceof TextWebSocketFrame || wsFrame instanceof BinaryWebSocketFrame)
            {
                dataFrame(ctx, wsFrame);
            }
            else if (wsFrame instanceof ContinuationWebSocketFrame)
            {
                continuation(ctx, wsFrame);
            }
            else
            {
                WebSocketControl.answer(ctx, handshaker, wsFrame);
            }
        }
        finally
        {
            wsFrame.release();
        }
    }

    private void dataFrame(final ChannelHandlerContext ctx, final WebSocketFrame wsFrame)
    {
        if (fragments != null)
        {
            protocolError(ctx, "a new message began before the fragmented one ended");
            return;
        }
        if (wsFrame.isFinalFragment())
        {
            handleMessage(wsFrame.content().retain());
            return;
        }
        fragments = ctx.alloc().buffer(Math.min(maxMessageSize, 2 * wsFrame.content().readableBytes() + 64));
        fragments.writeBytes(wsFrame.content());
    }

    private void continuation(final ChannelHandlerContext ctx, final WebSocketFrame wsFrame)
    {
        if (fragments == null)
        {
            protocolError(ctx, "a continuation frame without a message to continue");
            return;
        }
        if (fragments.readableBytes() + wsFrame.content().readableBytes() > maxMessageSize)
        {
            fragments.release();
            fragments = null;
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                "message exceeds the maximum frame size of " + maxMessageSize + " bytes"))
                .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        fragments.writeBytes(wsFrame.content());
        if (wsFrame.isFinalFragment())
        {
            final ByteBuf whole = fragments;
            fragments = null;
            handleMessage(whole);
        }
    }

    /** One whole message (owned: released here), handled now or, while others wait, queued behind them. */
    private void handleMessage(final ByteBuf content)
    {
        if (paused || !waiting.isEmpty())
        {
            waiting.add(content);
            return;
        }
        handleOwned(content);
    }

    /**
     * Handles a message it owns and releases it, unless the ring had no room: then it goes back to the head of the
     * queue and reading stops.
     *
     * @return false when the message waits for room.
     */
    private boolean handleOwned(final ByteBuf content)
    {
        boolean kept = false;
        try
        {
            if (handleNow(content) == FrameOutcome.BLOCKED)
            {
                waiting.addFirst(content);
                kept = true;
                context.channel().config().setAutoRead(false);
            }
        }
        finally
        {
            if (!kept)
            {
                content.release();
            }
        }
        return !kept;
    }

    /**
     * Event loop: the admin command is answered, or the ring has room; handle what waited, until another admin
     * command pauses again or the ring is full again. Also after the channel closed: what the client sent before
     * still counts.
     */
    private void resume()
    {
        paused = false;
        while (!paused && !waiting.isEmpty())
        {
            if (!handleOwned(waiting.poll()))
            {
                return;
            }
        }
        if (!paused)
        {
            context.channel().config().setAutoRead(true);
        }
    }

    /** One whole message: its first JSON value is the request. */
    private FrameOutcome handleNow(final ByteBuf content)
    {
        scanner.reset();
        if (!JsonFrameScanner.skipWhitespace(content))
        {
            return connection.reject(reader.emptyFrame(), "invalid message: empty WebSocket message", false);
        }
        int length = scanner.scan(content);
        if (length == JsonFrameScanner.NEED_MORE)
        {
            // The message ends inside its value, or with a bare literal ("null"): the parser tells which.
            scanner.reset();
            length = content.readableBytes();
        }
        else if (length < 0)
        {
            scanner.reset();
            return connection.reject(reader.emptyFrame(), length == JsonFrameScanner.TOO_DEEP ?
                "invalid message: nested deeper than " + JsonFrameScanner.MAX_DEPTH + " levels" :
                "message exceeds the maximum frame size of " + maxMessageSize + " bytes", false);
        }
        final FrameOutcome outcome = reader.read(content, length, connection);
        if (outcome == FrameOutcome.PAUSED)
        {
            paused = true;
            context.channel().config().setAutoRead(false);
        }
        return outcome;
    }

    private void protocolError(final ChannelHandlerContext ctx, final String reason)
    {
        LOG.debug("WebSocket client {}: {}", connection.session().id(), reason);
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR, reason))
            .addListener(ChannelFutureListener.CLOSE);
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
        if (fragments != null)
        {
            fragments.release();
            fragments = null;
        }
        if (!connection.inputWaiting())
        {
            // Nothing waits for the ring (an admin command's pause ends with the connection): drop what is queued.
            for (ByteBuf queued = waiting.poll(); queued != null; queued = waiting.poll())
            {
                queued.release();
            }
        }
        connection.closed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof TooLongFrameException)
        {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                "message exceeds the maximum frame size of " + maxMessageSize + " bytes"))
                .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ConnectionFailure.close(ctx, engine, "WebSocket client " + connection.session().id(), cause);
    }
}
