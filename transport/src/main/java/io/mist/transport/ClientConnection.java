package io.mist.transport;

import io.mist.auth.Access;
import io.mist.auth.AccessControl;
import io.mist.auth.AdminResult;
import io.mist.auth.TokenGrant;
import io.mist.codec.Command;
import io.mist.codec.GrowableBytes;
import io.mist.codec.MistFrame;
import io.mist.codec.MistJsonWriter;
import io.mist.engine.Engine;
import io.mist.engine.ingress.FrameDispatcher;
import io.mist.engine.session.ClientSession;
import io.mist.transport.outbound.ChannelOutbound;
import io.mist.transport.outbound.OutboundFraming;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One client connection's link to the engine, the same for every listener: its session and outbound ring, the drain
 * to its channel, its entry into the inbound ring, and what its token allows. With an authenticator, a TCP
 * connection's first message must carry a token in {@code data} (the {@code auth} command, as mist); WebSocket and
 * HTTP bring theirs with the upgrade request. Admin commands (master token only) run on the auth thread while the
 * connection reads nothing more, so their replies keep the connection's order. A restricted token's connection
 * follows changes to the token at once: new tags apply to its next request and its subscriptions are pruned to what
 * is still allowed; an unregistered token's connections are closed. Opened and used on the connection's event loop.
 */
public final class ClientConnection implements TokenGrant.Listener
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final String UNAUTHORIZED = "Unauthorized - the first message must be " +
        "{\"command\":\"auth\",\"data\":\"TOKEN\"} with a valid token";
    private static final String WRONG_TOKEN = "Unauthorized - wrong token";
    private static final String REVOKED = "Unauthorized - the token was unregistered";
    private static final String INTERNAL_ERROR = "Internal error - the admin command failed; see the server log\n";

    private final Engine engine;
    private final Channel channel;
    private final String kind;
    private final AccessControl control;
    private final ChannelOutbound outbound;
    private final FrameDispatcher dispatcher;
    private final MistFrame errorFrame = new MistFrame();
    private Access.Kind access;
    private TokenGrant grant;
    private boolean awaitingToken;
    private boolean refused;
    /** The channel is gone and the engine told: nothing may be sent into the ring for this session any more. */
    private boolean closed;
    private Runnable resume = () ->
    {
    };

    private ClientConnection(final Engine engine, final Channel channel, final String kind,
        final AccessControl control, final ChannelOutbound outbound, final FrameDispatcher dispatcher)
    {
        this.engine = engine;
        this.channel = channel;
        this.kind = kind;
        this.control = control;
        this.outbound = outbound;
        this.dispatcher = dispatcher;
    }

    /**
     * Opens the engine session of a new connection.
     *
     * @param kind how the connection is named in logs ("TCP", "WebSocket").
     * @param echoUnknown whether the unknown-command reply echoes tags and data.
     * @param framing how outbound frames are rewritten for the wire; null for mist's JSON stream as it is.
     * @param access what the connection's token opened (WebSocket); null when its first message must say (TCP).
     */
    public static ClientConnection open(final Engine engine, final Channel channel, final String kind,
        final boolean echoUnknown, final OutboundFraming framing, final AccessControl control, final Access access)
    {
        final ChannelOutbound outbound = new ChannelOutbound(channel, ChannelOutbound.recorderFor(engine.metrics()),
            SocketTuning.of(channel).writeBatch());
        outbound.framing(framing);
        final ClientSession session = engine.openSession(outbound);
        outbound.attach(session);
        ListenerConnections.attach(channel, session);
        LOG.debug("{} client {} connected from {}", kind, session.id(), channel.remoteAddress());
        final FrameDispatcher dispatcher = engine.dispatcher(session, echoUnknown);
        dispatcher.adminCommandsExist(control.enabled());
        final ClientConnection connection = new ClientConnection(engine, channel, kind, control, outbound, dispatcher);
        if (access != null)
        {
            connection.apply(access);
        }
        else if (control.enabled())
        {
            connection.awaitingToken = true;
            if (!control.allowsAnonymous())
            {
                ConnectionLimits.requireIdentification(channel, "token message");
            }
        }
        else
        {
            connection.access = Access.Kind.ANONYMOUS;
        }
        return connection;
    }

    /** What the handler does to read again after {@link FrameOutcome#PAUSED}; called on the event loop. */
    public void onResume(final Runnable action)
    {
        this.resume = action;
    }

    public FrameDispatcher dispatcher()
    {
        return dispatcher;
    }

    public ClientSession session()
    {
        return dispatcher.session();
    }

    /** See {@link ChannelOutbound#framing}. */
    public void framing(final OutboundFraming framing)
    {
        outbound.framing(framing);
    }

    /** A client that cannot send a token (the legacy text protocol): anonymous if allowed, else refused and closed. */
    public boolean admitWithoutToken(final String why)
    {
        if (!awaitingToken)
        {
            return true;
        }
        awaitingToken = false;
        ConnectionLimits.identified(channel);
        if (control.allowsAnonymous())
        {
            access = Access.Kind.ANONYMOUS;
            return true;
        }
        refused = true;
        errorFrame.clear(Command.AUTH);
        dispatcher.reject(errorFrame, why, true);
        return false;
    }

    /** Applies one decoded frame as this connection's token allows. */
    public FrameOutcome handle(final MistFrame frame)
    {
        if (refused)
        {
            return FrameOutcome.REFUSED; // closing: nothing more is read
        }
        final Command command = frame.command();
        if (awaitingToken)
        {
            return firstMessage(frame);
        }
        if (command == Command.AUTH)
        {
            if (access == Access.Kind.ANONYMOUS && control.enabled())
            {
                final Access upgraded = control.check(token(frame), channel.remoteAddress());
                if (upgraded.admitted())
                {
                    apply(upgraded);
                }
                else
                {
                    dispatcher.reject(frame, WRONG_TOKEN, false); // answered; the stream itself is in step
                }
            }
            return FrameOutcome.ACCEPTED; // mist: auth never replies
        }
        if (command.isAdmin() && access == Access.Kind.ADMIN)
        {
            runAdmin(frame);
            return FrameOutcome.PAUSED;
        }
        dispatcher.dispatch(frame);
        return FrameOutcome.ACCEPTED;
    }

    /** A frame that could not be decoded: error reply; closes when the connection has not shown a token yet. */
    public void malformed(final MistFrame partial, final String error)
    {
        if (awaitingToken && !control.allowsAnonymous())
        {
            refused = true;
            dispatcher.reject(partial, error, true);
            return;
        }
        dispatcher.reject(partial, error, false);
    }

    /** With an authenticator, mist reads the token from the first message's {@code data}, whatever its command. */
    private FrameOutcome firstMessage(final MistFrame frame)
    {
        awaitingToken = false;
        ConnectionLimits.identified(channel);
        final boolean auth = frame.command() == Command.AUTH;
        if (!auth && control.allowsAnonymous())
        {
            access = Access.Kind.ANONYMOUS;
            return handle(frame); // not an attempt to authenticate: a basic command of an anonymous client
        }
        final Access checked = control.check(token(frame), channel.remoteAddress());
        if (checked.admitted())
        {
            apply(checked);
            return FrameOutcome.ACCEPTED; // the first message carried the token; it is not run (as mist)
        }
        if (control.allowsAnonymous())
        {
            access = Access.Kind.ANONYMOUS;
            dispatcher.reject(frame, WRONG_TOKEN + "; continuing without one", false);
            return FrameOutcome.ACCEPTED; // answered; the stream itself is in step
        }
        refused = true;
        dispatcher.reject(frame, UNAUTHORIZED, true);
        return FrameOutcome.REFUSED;
    }

    private void apply(final Access granted)
    {
        access = granted.kind();
        if (granted.kind() == Access.Kind.RESTRICTED)
        {
            grant = granted.grant();
            grant.addListener(this);
            restrictTo(grant, false);
            if (grant.revoked())
            {
                grantChanged(grant); // unregistered between the check and now
            }
        }
    }

    /** Event loop: limits the dispatcher to the grant's tags. */
    private void restrictTo(final TokenGrant tokenGrant, final boolean prune)
    {
        dispatcher.restrict(TagGrants.of(engine, tokenGrant), prune);
    }

    /** Admin thread: the token's tags changed, or it was unregistered. */
    @Override
    public void grantChanged(final TokenGrant changed)
    {
        channel.eventLoop().execute(() ->
        {
            if (closed || refused)
            {
                return;
            }
            if (changed.revoked())
            {
                refused = true;
                errorFrame.clear(Command.AUTH);
                dispatcher.reject(errorFrame, REVOKED, true);
                LOG.info("{} client {} closed: its token was unregistered", kind, session().id());
                return;
            }
            restrictTo(changed, true);
        });
    }

    private void runAdmin(final MistFrame frame)
    {
        final Command command = frame.command();
        final List<String> tags = new ArrayList<>(frame.tagCount());
        for (int i = 0; i < frame.tagCount(); i++)
        {
            tags.add(new String(frame.tagBytes(), frame.tagOffset(i), frame.tagLength(i), StandardCharsets.UTF_8));
        }
        control.admin(command.name().toLowerCase(java.util.Locale.ROOT), token(frame), tags)
            .whenComplete((result, failure) -> channel.eventLoop().execute(() ->
            {
                if (closed)
                {
                    return; // the client left meanwhile; its session is gone from the engine
                }
                if (failure != null)
                {
                    LOG.error("Admin command '{}' failed", command, failure);
                    dispatcher.reply(encode(command, INTERNAL_ERROR));
                }
                else
                {
                    final byte[] reply = encode(command, result);
                    if (reply != null)
                    {
                        dispatcher.reply(reply);
                    }
                }
                resume.run();
            }));
    }

    /** The reply to an admin command, in mist's format; null when it has none (a successful write). */
    private static byte[] encode(final Command command, final AdminResult result)
    {
        final GrowableBytes out = new GrowableBytes(64);
        if (result.error() != null)
        {
            MistJsonWriter.errorReply(out, command, result.error());
        }
        else if (result.tags() != null)
        {
            MistJsonWriter.openCommand(out, command);
            MistJsonWriter.tags(out, result.tags());
            MistJsonWriter.close(out);
        }
        else
        {
            return null;
        }
        return Arrays.copyOf(out.array(), out.length());
    }

    private static byte[] encode(final Command command, final String error)
    {
        final GrowableBytes out = new GrowableBytes(64);
        MistJsonWriter.errorReply(out, command, error);
        return Arrays.copyOf(out.array(), out.length());
    }

    private static String token(final MistFrame frame)
    {
        return new String(frame.dataBytes(), 0, frame.dataLength(), StandardCharsets.UTF_8);
    }

    /** The channel's writability changed: drain again once it can take more. */
    public void writabilityChanged(final Channel writable)
    {
        if (writable.isWritable())
        {
            outbound.resume();
        }
    }

    /** The channel is gone: stop draining, let the matcher forget the client, log its drops. */
    public void closed()
    {
        closed = true;
        if (grant != null)
        {
            grant.removeListener(this);
        }
        outbound.closed();
        dispatcher.disconnected();
        final ClientSession session = dispatcher.session();
        final long dropped = session.dropped().get();
        if (dropped > 0)
        {
            LOG.info("{} client {} disconnected; {} messages were dropped for it (it read too slowly)", kind,
                session.id(), dropped);
        }
        else
        {
            LOG.debug("{} client {} disconnected", kind, session.id());
        }
    }
}
