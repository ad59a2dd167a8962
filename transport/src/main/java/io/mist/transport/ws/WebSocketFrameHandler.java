package io.mist.transport.ws;

import io.mist.codec.Command;
import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.JsonFrameScanner;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.Engine;
import io.mist.engine.ingress.FrameDispatcher;
import io.mist.engine.session.ClientSession;
import io.mist.transport.ListenerConnections;
import io.mist.transport.outbound.ChannelOutbound;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client: each text or binary message (fragments joined, up to the frame limit) holds one mist JSON
 * message, which goes to the engine as a TCP frame would; anything after the first JSON value in a message is ignored,
 * as mist does. A bad message gets an error reply and the connection stays up. Replies and deliveries leave through
 * the client's outbound ring as text frames ({@link WebSocketTextFraming}); the unknown-command reply does not echo,
 * as mist's WebSocket listener. Pings are answered with pongs, a close with a close. Its event loop only.
 */
public final class WebSocketFrameHandler extends ChannelDuplexHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrameHandler.class);
    private static final int RETAINED_SCRATCH = 64 * 1024;

    private final Engine engine;
    private final WebSocketServerHandshaker handshaker;
    private final int maxMessageSize;
    private final JsonFrameScanner scanner;
    private final MistFrameParser parser = new MistFrameParser();
    private final MistFrame frame = new MistFrame();
    private final GrowableBytes bytes = new GrowableBytes(512);
    private ChannelOutbound outbound;
    private FrameDispatcher dispatcher;
    /** A fragmented message being joined; null between messages. */
    private ByteBuf fragments;

    public WebSocketFrameHandler(final Engine engine, final WebSocketServerHandshaker handshaker,
        final int maxMessageSize)
    {
        this.engine = engine;
        this.handshaker = handshaker;
        this.maxMessageSize = maxMessageSize;
        this.scanner = new JsonFrameScanner(maxMessageSize);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        outbound = new ChannelOutbound(ctx.channel());
        outbound.framing(WebSocketTextFraming.INSTANCE);
        final ClientSession session = engine.openSession(outbound);
        outbound.attach(session);
        ListenerConnections.attach(ctx.channel(), session);
        dispatcher = engine.dispatcher(session, false);
        LOG.debug("WebSocket client {} connected from {}", session.id(), ctx.channel().remoteAddress());
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
            else if (wsFrame instanceof PingWebSocketFrame)
            {
                ctx.writeAndFlush(new PongWebSocketFrame(wsFrame.content().retain()));
            }
            else if (wsFrame instanceof CloseWebSocketFrame)
            {
                handshaker.close(ctx.channel(), (CloseWebSocketFrame)wsFrame.retain());
            }
            // A pong needs nothing.
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
            handleMessage(wsFrame.content());
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
            try
            {
                handleMessage(whole);
            }
            finally
            {
                whole.release();
            }
        }
    }

    /** One whole message: its first JSON value is the request. */
    private void handleMessage(final ByteBuf content)
    {
        scanner.reset();
        frame.clear(Command.UNKNOWN);
        if (!JsonFrameScanner.skipWhitespace(content))
        {
            dispatcher.reject(frame, "invalid message: empty WebSocket message", false);
            return;
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
            dispatcher.reject(frame, length == JsonFrameScanner.TOO_DEEP ?
                "invalid message: nested deeper than " + JsonFrameScanner.MAX_DEPTH + " levels" :
                "message exceeds the maximum frame size of " + maxMessageSize + " bytes", false);
            return;
        }
        bytes.clear();
        bytes.ensureSpare(length + 1);
        content.readBytes(bytes.array(), 0, length);
        try
        {
            parser.parse(bytes.array(), length, frame);
            dispatcher.dispatch(frame);
        }
        catch (final FrameException ex)
        {
            dispatcher.reject(frame, ex.getMessage(), false);
        }
        bytes.shrinkIfLargerThan(RETAINED_SCRATCH, 512);
        frame.trim(RETAINED_SCRATCH);
    }

    private void protocolError(final ChannelHandlerContext ctx, final String reason)
    {
        LOG.debug("WebSocket client {}: {}", dispatcher.session().id(), reason);
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR, reason))
            .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        if (ctx.channel().isWritable())
        {
            outbound.resume();
        }
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
        outbound.closed();
        dispatcher.disconnected();
        final ClientSession session = dispatcher.session();
        final long dropped = session.dropped().get();
        if (dropped > 0)
        {
            LOG.info("WebSocket client {} disconnected; {} messages were dropped for it (it read too slowly)",
                session.id(), dropped);
        }
        else
        {
            LOG.debug("WebSocket client {} disconnected", session.id());
        }
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
        LOG.debug("WebSocket client {} failed: {}", dispatcher.session().id(), cause.toString());
        ctx.close();
    }
}
