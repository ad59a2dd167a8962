package io.mist.transport.tcp;

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
import io.mist.transport.legacy.LegacyLineDecoder;
import io.mist.transport.legacy.LegacyTextFraming;
import io.mist.transport.outbound.ChannelOutbound;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One TCP connection speaking mist's protocol: finds JSON values in the byte stream, parses each and hands it to
 * the engine, in order. A bad frame gets an error reply and the stream resynchronises at the next newline; when no
 * newline comes within the frame limit the connection is closed after the reply. A connection whose first non-blank
 * byte cannot start mist's JSON ({@code {} or {@code null}) speaks mist's pre-1.0 text protocol instead
 * ({@link LegacyLineDecoder}, {@link LegacyTextFraming}). Owned by the connection's event loop.
 */
public final class TcpFrameHandler extends ByteToMessageDecoder
{
    private static final Logger LOG = LoggerFactory.getLogger(TcpFrameHandler.class);
    /** Scratch beyond this size is released after the frame that needed it. */
    private static final int RETAINED_SCRATCH = 64 * 1024;

    private final Engine engine;
    private final int maxFrameSize;
    private final JsonFrameScanner scanner;
    private final MistFrameParser parser = new MistFrameParser();
    private final MistFrame frame = new MistFrame();
    private final GrowableBytes frameBytes = new GrowableBytes(512);
    private ChannelOutbound outbound;
    private FrameDispatcher dispatcher;
    private boolean discarding;
    private long discarded;
    private boolean closing;
    /** Null until the first non-blank byte decides the protocol; then null for JSON. */
    private LegacyLineDecoder legacy;
    private boolean protocolKnown;

    public TcpFrameHandler(final Engine engine, final int maxFrameSize)
    {
        this.engine = engine;
        this.maxFrameSize = maxFrameSize;
        this.scanner = new JsonFrameScanner(maxFrameSize);
    }

    /** The engine's view of this connection; null before it is active. */
    public ClientSession session()
    {
        return dispatcher == null ? null : dispatcher.session();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        outbound = new ChannelOutbound(ctx.channel());
        final ClientSession session = engine.openSession(outbound);
        outbound.attach(session);
        ListenerConnections.attach(ctx.channel(), session);
        dispatcher = engine.dispatcher(session, true);
        LOG.debug("TCP client {} connected from {}", session.id(), ctx.channel().remoteAddress());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        try
        {
            super.channelInactive(ctx); // decodes what is left first, so nothing of this client follows its disconnect
        }
        finally
        {
            if (dispatcher != null)
            {
                outbound.closed();
                dispatcher.disconnected();
                final ClientSession session = dispatcher.session();
                final long dropped = session.dropped().get();
                if (dropped > 0)
                {
                    LOG.info("TCP client {} disconnected; {} messages were dropped for it (it read too slowly)",
                        session.id(), dropped);
                }
                else
                {
                    LOG.debug("TCP client {} disconnected", session.id());
                }
            }
        }
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
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("TCP client {} failed: {}", dispatcher == null ? "?" : dispatcher.session().id(), cause.toString());
        ctx.close();
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        if (!protocolKnown)
        {
            if (!JsonFrameScanner.skipWhitespace(in))
            {
                return;
            }
            protocolKnown = true;
            final byte first = in.getByte(in.readerIndex());
            if (first != '{' && first != 'n')
            {
                legacy = new LegacyLineDecoder(maxFrameSize);
                outbound.framing(new LegacyTextFraming());
                LOG.debug("TCP client {} speaks the legacy text protocol", dispatcher.session().id());
            }
        }
        if (legacy != null)
        {
            legacy.decode(in, dispatcher);
            return;
        }
        while (in.isReadable())
        {
            if (closing)
            {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (discarding)
            {
                skipToNewline(in);
                continue;
            }
            if (!scanner.inFrame() && !JsonFrameScanner.skipWhitespace(in))
            {
                return;
            }
            final int length = scanner.scan(in);
            if (length == JsonFrameScanner.NEED_MORE)
            {
                return;
            }
            if (length == JsonFrameScanner.TOO_LONG)
            {
                frame.trim(0);
                frame.clear(Command.UNKNOWN);
                reject("frame exceeds the maximum frame size of " + maxFrameSize + " bytes");
                // The frame's own bytes up to the limit do not count against the resynchronisation budget.
                discarded = -(maxFrameSize + 1L);
                continue;
            }
            if (length == JsonFrameScanner.TOO_DEEP)
            {
                frame.trim(0);
                frame.clear(Command.UNKNOWN);
                reject("invalid message: nested deeper than " + JsonFrameScanner.MAX_DEPTH + " levels");
                continue;
            }
            handleFrame(in, length);
        }
    }

    private void handleFrame(final ByteBuf in, final int length)
    {
        frameBytes.clear();
        frameBytes.ensureSpare(length + 1);
        in.readBytes(frameBytes.array(), 0, length);
        try
        {
            parser.parse(frameBytes.array(), length, frame);
            dispatcher.dispatch(frame);
        }
        catch (final FrameException ex)
        {
            reject(ex.getMessage());
        }
        // Two comparisons when nothing is oversized; gives back what a huge frame (or one of thousands of tags) grew.
        frameBytes.shrinkIfLargerThan(RETAINED_SCRATCH, 512);
        frame.trim(RETAINED_SCRATCH);
    }

    /** Error reply, then skip to the next newline (at most max-frame-size bytes further, else close). */
    private void reject(final String error)
    {
        dispatcher.reject(frame, error, false);
        discarding = true;
        discarded = 0;
    }

    private void skipToNewline(final ByteBuf in)
    {
        final int newline = in.indexOf(in.readerIndex(), in.writerIndex(), (byte)'\n');
        if (newline >= 0)
        {
            in.readerIndex(newline + 1);
            discarding = false;
            return;
        }
        discarded += in.readableBytes();
        in.skipBytes(in.readableBytes());
        if (discarded > maxFrameSize)
        {
            // A client that sends no newline after a bad frame cannot be resynchronised.
            closing = true;
            frame.trim(0);
            frame.clear(Command.UNKNOWN);
            dispatcher.reject(frame, "closing connection: no newline within " + maxFrameSize +
                " bytes after a bad frame", true);
        }
    }
}
