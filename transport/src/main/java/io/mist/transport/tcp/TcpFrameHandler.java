package io.mist.transport.tcp;

import io.mist.auth.AccessControl;
import io.mist.codec.JsonFrameScanner;
import io.mist.engine.Engine;
import io.mist.transport.ClientConnection;
import io.mist.transport.ConnectionFailure;
import io.mist.transport.FrameOutcome;
import io.mist.transport.FrameReader;
import io.mist.transport.legacy.LegacyLineDecoder;
import io.mist.transport.legacy.LegacyTextFraming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * One TCP connection speaking mist's protocol: finds JSON values in the byte stream, parses each and hands it to
 * the engine, in order. A bad frame gets an error reply and the stream resynchronises at the next newline; when no
 * newline comes within the frame limit the connection is closed after the reply. A connection whose first non-blank
 * byte cannot start mist's JSON ({@code {} or {@code null}) speaks mist's pre-1.0 text protocol instead
 * ({@link LegacyLineDecoder}, {@link LegacyTextFraming}). While an admin command runs, or while the inbound ring
 * has no room for the next frame, the handler reads nothing more (input stays buffered, the socket is not read) and
 * resumes where it stopped; input a client sent before hanging up is still handled. Owned by the connection's event
 * loop.
 */
public final class TcpFrameHandler extends ByteToMessageDecoder
{
    private static final Logger LOG = LoggerFactory.getLogger(TcpFrameHandler.class);

    private final Engine engine;
    private final AccessControl access;
    private final int maxFrameSize;
    private final io.mist.retention.RetentionStore retention;
    private final JsonFrameScanner scanner;
    private final FrameReader reader = new FrameReader();
    private ClientConnection connection;
    private boolean discarding;
    private long discarded;
    private boolean closing;
    /** The line being read is not one message: the scanner's path reads it to its end. */
    private boolean scannerLine;
    /**
     * Passes in a row that found the input ending inside the same publish in mist's output form: each rereads it from
     * its start, so a frame that trickles in is left to the scanner after {@link #INCOMPLETE_PASSES}.
     */
    private int incompletePasses;
    /** Passes a frame that arrives in pieces waits for its rest at most (a large frame usually takes two reads). */
    private static final int INCOMPLETE_PASSES = 2;
    /** Whether the first non-blank byte has chosen the protocol yet. */
    private boolean protocolKnown;
    /** The first byte of a TLS handshake record: a TLS client at this plain port. */
    private static final byte TLS_HANDSHAKE = 0x16;
    /** The legacy text protocol's decoder once chosen; null for mist's JSON. */
    private LegacyLineDecoder legacy;
    /** An admin command of this client is running: decode nothing until it is answered. */
    private boolean paused;
    private ChannelHandlerContext context;
    /** Input the ring had no room for when the channel or its input closed, handled on resume; null when none. */
    private ByteBuf leftover;
    /** The client shut down its sending side: once what it sent is handled, the connection closes. */
    private boolean inputEnded;

    /** @param retention keeps the messages a subscription may ask to replay ({@code since}); null for none. */
    public TcpFrameHandler(final Engine engine, final AccessControl access, final int maxFrameSize,
        final io.mist.retention.RetentionStore retention)
    {
        this.retention = retention;
        this.engine = engine;
        this.access = access;
        this.maxFrameSize = maxFrameSize;
        this.scanner = new JsonFrameScanner(maxFrameSize);
        // A read usually ends inside a frame, so the input buffer is rarely emptied: compacted after every read (a
        // copy of the unread tail, once at least half of it has been read), it does not grow read after read by
        // reallocation (a copy of everything read so far) until Netty's default of every 16th read compacts it.
        setDiscardAfterReads(1);
        // A large read is joined to the leftover by reference, not copied behind it (see InputCumulator).
        setCumulator(InputCumulator.INSTANCE);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        context = ctx;
        final String kind = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null ? "TCP" : "TLS";
        connection = ClientConnection.open(engine, ctx.channel(), kind, true, null, access, null);
        connection.onResume(this::resume);
        connection.retention(retention);
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
            if (connection != null)
            {
                connection.closed();
            }
        }
    }

    /**
     * The client shut down its sending side (a FIN, with the socket half open): what it sent is decoded first (by
     * the decoder, which then frees its buffer, so input that must wait is kept), and once all of it is handled the
     * connection closes after its replies are written, as Go mist answers what it read before EOF.
     */
    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof ChannelInputShutdownEvent)
        {
            inputEnded = true;
            super.userEventTriggered(ctx, event);
            finishInput();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    /** After the client's input ended: closes once nothing it sent waits (an admin command, the ring, the auth URL). */
    private void finishInput()
    {
        if (inputEnded && !paused && !connection.inputWaiting() && leftover == null)
        {
            inputEnded = false;
            connection.inputEnded();
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        connection.writabilityChanged(ctx.channel());
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ConnectionFailure.close(ctx, engine, "TCP client " + (connection == null ? "?" : connection.session().id()),
            cause);
    }

    /**
     * Event loop: the admin command is answered, or the ring has room again; decode what is buffered, then read the
     * socket again unless something still holds it back.
     */
    private void resume()
    {
        paused = false;
        if (!context.channel().isActive() || inputEnded)
        {
            decodeLeftover();
            finishInput();
            return;
        }
        try
        {
            channelRead(context, Unpooled.EMPTY_BUFFER); // decodes the frames that arrived meanwhile
        }
        catch (final Exception ex)
        {
            exceptionCaught(context, ex);
            return;
        }
        if (!paused && !connection.inputWaiting())
        {
            context.channel().config().setAutoRead(true);
        }
    }

    /** The channel closed while frames waited for room in the ring: hand them over now. */
    private void decodeLeftover()
    {
        if (leftover == null)
        {
            return;
        }
        decode(context, leftover, new ArrayList<>(0));
        if (!leftover.isReadable() || (!connection.inputWaiting() && !(paused && context.channel().isActive())))
        {
            leftover.release();
            leftover = null;
        }
    }

    /** The frame at the reader index waits: stop reading; keep the input if the channel or its input is closing. */
    private void blocked(final ChannelHandlerContext ctx, final ByteBuf in)
    {
        ctx.channel().config().setAutoRead(false);
        keepIfClosing(ctx, in);
    }

    /** The decoder frees its buffer once the channel or its input closed: input still to handle is copied first. */
    private void keepIfClosing(final ChannelHandlerContext ctx, final ByteBuf in)
    {
        if ((!ctx.channel().isActive() || inputEnded) && leftover == null && in.isReadable())
        {
            leftover = ctx.alloc().buffer(in.readableBytes()).writeBytes(in);
        }
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        connection.readBegins();
        try
        {
            decodeFrames(ctx, in);
        }
        finally
        {
            connection.readEnds();
        }
    }

    private void decodeFrames(final ChannelHandlerContext ctx, final ByteBuf in)
    {
        reader.newPass();
        if (paused)
        {
            if (inputEnded && in != leftover)
            {
                keepIfClosing(ctx, in);
            }
            return;
        }
        if (!protocolKnown)
        {
            if (!JsonFrameScanner.skipWhitespace(in))
            {
                return;
            }
            protocolKnown = true;
            final byte first = in.getByte(in.readerIndex());
            if (first == TLS_HANDSHAKE && ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null)
            {
                // A TLS client at a plain port: it cannot read anything but TLS, so a close is the clearest answer
                // (its handshake fails at once rather than waiting for a timeout).
                LOG.debug("TLS handshake from {} at a plain tcp:// port; closed", ctx.channel().remoteAddress());
                closing = true;
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            if (first != '{' && first != 'n')
            {
                legacy = new LegacyLineDecoder(maxFrameSize);
                connection.framing(new LegacyTextFraming());
                connection.listSeparator((byte)' ');
                LOG.debug("TCP client {} speaks the legacy text protocol", connection.session().id());
                if (!connection.admitWithoutToken("Unauthorized - the legacy text protocol has no auth command; " +
                    "this server needs a token"))
                {
                    closing = true;
                }
            }
        }
        if (legacy != null)
        {
            if (closing)
            {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (!legacy.decode(in, connection))
            {
                blocked(ctx, in);
            }
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
                if (!skipToNewline(in))
                {
                    blocked(ctx, in);
                    return;
                }
                continue;
            }
            if (!scanner.inFrame())
            {
                final int before = in.readerIndex();
                final boolean more = JsonFrameScanner.skipWhitespace(in);
                if (scannerLine && in.indexOf(before, in.readerIndex(), (byte)'\n') >= 0)
                {
                    scannerLine = false; // a new line begins: it may be one message again
                }
                if (!more)
                {
                    return;
                }
                final FrameOutcome line = scannerLine ? null : readLine(in);
                if (line == FrameOutcome.INCOMPLETE)
                {
                    return; // read again in one pass once more of it has arrived
                }
                if (line == FrameOutcome.BLOCKED)
                {
                    blocked(ctx, in);
                    return;
                }
                if (line == FrameOutcome.PAUSED)
                {
                    paused = true;
                    ctx.channel().config().setAutoRead(false);
                    return;
                }
                if (line != null)
                {
                    continue; // taken (or answered) without the scanner
                }
                // Not one message per line (several on it, one over several lines, or an error): the scanner takes
                // the rest of this line, so its other messages are not each parsed twice.
                scannerLine = true;
            }
            final int length = scanner.scan(in);
            if (length == JsonFrameScanner.NEED_MORE)
            {
                return;
            }
            if (length == JsonFrameScanner.TOO_LONG || length == JsonFrameScanner.TOO_DEEP)
            {
                // Input that never became a frame: error reply, then skip to the next newline. The rescan after a
                // blocked reply finds the same.
                if (connection.malformed(reader.emptyFrame(), length == JsonFrameScanner.TOO_LONG ?
                    "frame exceeds the maximum frame size of " + maxFrameSize + " bytes" :
                    "invalid message: nested deeper than " + JsonFrameScanner.MAX_DEPTH + " levels") ==
                    FrameOutcome.BLOCKED)
                {
                    blocked(ctx, in);
                    return;
                }
                startDiscarding();
                if (length == JsonFrameScanner.TOO_LONG)
                {
                    // The frame's own bytes up to the limit do not count against the resynchronisation budget.
                    discarded = -(maxFrameSize + 1L);
                }
                continue;
            }
            final FrameOutcome outcome = reader.read(in, length, connection);
            if (outcome == FrameOutcome.REFUSED)
            {
                startDiscarding();
            }
            else if (outcome == FrameOutcome.BLOCKED)
            {
                blocked(ctx, in);
                return;
            }
            else if (outcome == FrameOutcome.PAUSED)
            {
                paused = true;
                ctx.channel().config().setAutoRead(false);
                return;
            }
        }
    }

    /** Skips to the next newline (at most max-frame-size bytes further, else closes). */
    private void startDiscarding()
    {
        discarding = true;
        discarded = 0;
    }

    /**
     * The line at the reader index as one message, if it is one ({@link FrameReader#readLine}); else null. A publish
     * in mist's output form that the input ends inside waits for the rest ({@link FrameOutcome#INCOMPLETE}) to be read
     * in one pass, at most {@link #INCOMPLETE_PASSES} times; then, as every other unfinished line, it is left to the
     * scanner, which reads it once however many reads it takes to arrive.
     */
    private FrameOutcome readLine(final ByteBuf in)
    {
        final FrameOutcome wireForm = reader.readWireLine(in, maxFrameSize, connection);
        if (wireForm == FrameOutcome.INCOMPLETE && ++incompletePasses <= INCOMPLETE_PASSES)
        {
            return wireForm;
        }
        incompletePasses = 0;
        if (wireForm != null && wireForm != FrameOutcome.INCOMPLETE)
        {
            return wireForm;
        }
        final int start = in.readerIndex();
        final int newline = in.indexOf(start, Math.min(in.writerIndex(), start + maxFrameSize + 1), (byte)'\n');
        return newline < 0 ? null : reader.readLine(in, newline - start, connection);
    }

    /** @return false when the closing error reply waits for room in the ring (nothing was skipped). */
    private boolean skipToNewline(final ByteBuf in)
    {
        final int newline = in.indexOf(in.readerIndex(), in.writerIndex(), (byte)'\n');
        if (newline >= 0)
        {
            in.readerIndex(newline + 1);
            discarding = false;
            scannerLine = false;
            return true;
        }
        if (discarded + in.readableBytes() > maxFrameSize)
        {
            // A client that sends no newline after a bad frame cannot be resynchronised.
            if (connection.reject(reader.emptyFrame(), "closing connection: no newline within " + maxFrameSize +
                " bytes after a bad frame", true) == FrameOutcome.BLOCKED)
            {
                return false;
            }
            closing = true;
        }
        discarded += in.readableBytes();
        in.skipBytes(in.readableBytes());
        return true;
    }
}
