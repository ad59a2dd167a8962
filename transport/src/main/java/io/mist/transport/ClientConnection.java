package io.mist.transport;

import io.mist.auth.Access;
import io.mist.auth.AccessControl;
import io.mist.auth.AdminResult;
import io.mist.auth.TokenGrant;
import io.mist.codec.Command;
import io.mist.codec.MistFrame;
import io.mist.codec.ReplyEncoder;
import io.mist.engine.Engine;
import io.mist.engine.ingress.ClientIngress;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundTranslator;
import io.mist.engine.ring.Offer;
import io.mist.engine.session.ClientSession;
import io.mist.transport.outbound.ChannelOutbound;
import io.mist.transport.outbound.OutboundFraming;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One client connection's link to the engine, the same for every listener: its session and outbound ring, the drain
 * to its channel, its entry into the inbound ring, and what its token allows. With an authenticator, a TCP
 * connection's first message must carry a token in {@code data} (the {@code auth} command, as mist); WebSocket and
 * HTTP bring theirs with the upgrade request. Admin commands (master token only) run on the auth thread while the
 * connection reads nothing more, so their replies keep the connection's order. A restricted token's connection
 * follows changes to the token at once: new tags apply to its next request and its subscriptions are pruned to what
 * is still allowed; an unregistered token's connections are closed.
 * <p>
 * Each request fills exactly one inbound event, claimed without waiting. When the ring is full the request is not
 * taken ({@link FrameOutcome#BLOCKED}): the handler keeps it and stops reading, and this connection offers it again
 * once there is room, before anything that came after it. Events of the connection's own (an admin reply, a prune,
 * its disconnect) wait their turn the same way. Opened and used on the connection's event loop.
 */
public final class ClientConnection implements TokenGrant.Listener
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final String REVOKED = "Unauthorized - the token was unregistered";
    private static final io.netty.util.AttributeKey<ClientConnection> CONNECTION =
        io.netty.util.AttributeKey.valueOf("mist-connection");
    private static final String INTERNAL_ERROR = "Internal error - the admin command failed; see the server log\n";
    /** How long a connection waits before it offers again to a full ring. */
    private static final long RETRY_MICROS = 200;
    private static final InboundTranslator<Consumer<InboundEvent>> CONTROL = (event, fill) -> fill.accept(event);
    /** In {@link #backlog}: the handler's blocked input goes here, between the events around it. */
    private static final Consumer<InboundEvent> INPUT = event ->
    {
    };

    private final Engine engine;
    private final Channel channel;
    private final String kind;
    private final AccessControl control;
    private final ChannelOutbound outbound;
    private final ClientIngress ingress;
    /** An {@code auth} request, named by the error replies that refuse a connection. */
    private final MistFrame authRequest = new MistFrame();
    private final InboundTranslator<MistFrame> frameFill = this::fillFrame;
    private final InboundTranslator<MistFrame> rejectFill = this::fillReject;
    /** What waits for room in the ring, oldest first: events of the connection's own and its blocked input. */
    private final ArrayDeque<Consumer<InboundEvent>> backlog = new ArrayDeque<>();
    /** Written on the event loop, read by reports on any thread. */
    private volatile Access.Kind access;
    private TokenGrant grant;
    private boolean awaitingToken;
    /** The retention store, for subscriptions that ask for a replay ({@code since}); null when there is none. */
    private io.mist.retention.RetentionStore store;
    private io.mist.retention.RetentionClient retention;
    /** The replay registered for the subscription being offered; -1 when none. */
    private long pendingReplay = -1;
    /** What the first message's token opens, once decided; null before. */
    private Access firstAccess;
    /** The auth URL is asked about the first message's token: the handler keeps that message meanwhile. */
    private boolean asking;
    private boolean refused;
    /** The channel is gone and the engine told: nothing may be sent into the ring for this session any more. */
    private boolean closed;
    /** The handler holds input that the ring had no room for ({@link #INPUT} is in the backlog). */
    private boolean inputWaiting;
    /** The handler is offering its blocked input again: it goes before the rest of the backlog. */
    private boolean resuming;
    private boolean retryScheduled;
    /** Set by the fill of the request being handled. */
    private FrameOutcome outcome;
    /** The error and close flag of the reject being filled. */
    private String rejectError;
    private boolean rejectClose;
    private Runnable resume = () ->
    {
    };

    private ClientConnection(final Engine engine, final Channel channel, final String kind,
        final AccessControl control, final ChannelOutbound outbound, final ClientIngress ingress)
    {
        this.engine = engine;
        this.channel = channel;
        this.kind = kind;
        this.control = control;
        this.outbound = outbound;
        this.ingress = ingress;
        authRequest.clear(Command.AUTH);
    }

    /**
     * Opens the engine session of a new connection.
     *
     * @param kind how the connection is named in logs ("TCP", "TLS", "WebSocket", "WebSocket (TLS)").
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
        final ClientIngress ingress = engine.clientIngress(session, echoUnknown);
        ingress.adminCommandsExist(control.enabled());
        final ClientConnection connection = new ClientConnection(engine, channel, kind, control, outbound, ingress);
        channel.attr(CONNECTION).set(connection);
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

    /**
     * What the handler does to read again after {@link FrameOutcome#PAUSED} or {@link FrameOutcome#BLOCKED}: handle
     * the input it kept, then read the socket if nothing holds it back; called on the event loop, also after the
     * channel closed (input the client sent before it hung up is still handled).
     */
    public void onResume(final Runnable action)
    {
        this.resume = action;
    }

    /** The connection a channel carries; null for a channel that is not a client connection (an HTTP request). */
    public static ClientConnection of(final Channel channel)
    {
        return channel.attr(CONNECTION).get();
    }

    /**
     * What the connection's token opened, for reports: {@code none} without an authenticator, {@code pending}
     * until its token message came, then {@code anonymous}, {@code restricted} or {@code admin}. Any thread.
     */
    public String authMode()
    {
        final Access.Kind kind = access;
        if (!control.enabled())
        {
            return "none";
        }
        return kind == null ? "pending" : kind.name().toLowerCase(Locale.ROOT);
    }

    public ClientSession session()
    {
        return ingress.session();
    }

    /** See {@link ChannelOutbound#framing}. */
    public void framing(final OutboundFraming framing)
    {
        outbound.framing(framing);
    }

    /** Subscriptions may ask for the kept messages since an id ({@code since}), kept by {@code retention}. */
    public void retention(final io.mist.retention.RetentionStore retention)
    {
        this.store = retention;
    }

    /** The legacy text protocol lists subscriptions separated by spaces. */
    public void listSeparator(final byte separator)
    {
        ingress.listSeparator(separator);
    }

    /** Whether the handler holds input that waits for room in the ring: it must not read more meanwhile. */
    public boolean inputWaiting()
    {
        return inputWaiting;
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
        control(event -> ingress.reject(event, authRequest, why, true));
        return false;
    }

    /**
     * The connection's handler begins decoding one socket read: the publishes in it share one decode time for the
     * latency histograms (one clock reading per read). Paired with {@link #readEnds()}. Event loop.
     */
    public void readBegins()
    {
        ingress.readBegins();
    }

    /** The read is decoded. Event loop. */
    public void readEnds()
    {
        ingress.readEnds();
    }

    /** Applies one decoded frame as this connection's token allows. */
    public FrameOutcome handle(final MistFrame frame)
    {
        if (refused)
        {
            return FrameOutcome.REFUSED; // closing: nothing more is read
        }
        if (!backlog.isEmpty() && !resuming)
        {
            return blocked(); // after what already waits
        }
        if (awaitingToken && !decideFirst(frame))
        {
            return FrameOutcome.BLOCKED; // handled again once the auth URL answered
        }
        if (!awaitingToken && pendingReplay < 0 && frame.command() == Command.SUBSCRIBE && frame.since() >= 0 &&
            frame.tagCount() > 0)
        {
            final FrameOutcome prepared = prepareReplay(frame);
            if (prepared != null)
            {
                return prepared;
            }
        }
        outcome = FrameOutcome.ACCEPTED;
        return ingress.offer(frameFill, frame) == Offer.FULL ? blocked() : outcome;
    }

    /** A frame that could not be decoded: error reply; closes when the connection has not shown a token yet. */
    public FrameOutcome malformed(final MistFrame partial, final String error)
    {
        return reject(partial, error, awaitingToken && !control.allowsAnonymous());
    }

    /**
     * Answers a request with an error; with {@code close} the connection is closed once the reply (and everything
     * queued before it) is written, and nothing more is read.
     */
    public FrameOutcome reject(final MistFrame request, final String error, final boolean close)
    {
        if (refused)
        {
            return FrameOutcome.REFUSED;
        }
        if (!backlog.isEmpty() && !resuming)
        {
            return blocked();
        }
        rejectError = error;
        rejectClose = close;
        if (ingress.offer(rejectFill, request) == Offer.FULL)
        {
            return blocked();
        }
        if (close)
        {
            refused = true;
        }
        return FrameOutcome.REFUSED;
    }

    /**
     * A subscription that asks for the kept messages since an id: its first tag becomes a topic the store keeps (its
     * messages kept from now on), and the replay is registered with the store before the subscription is offered.
     *
     * @return null when the subscription may be offered; else the outcome (blocked: the ring was full; refused).
     */
    private FrameOutcome prepareReplay(final MistFrame frame)
    {
        if (store == null)
        {
            return reject(frame, "Replay is not available on this listener", false);
        }
        if (retention == null)
        {
            retention = store.client();
        }
        final String[] tags = new String[frame.tagCount()];
        for (int i = 0; i < tags.length; i++)
        {
            tags[i] = new String(frame.tagBytes(), frame.tagOffset(i), frame.tagLength(i), StandardCharsets.UTF_8);
        }
        switch (retention.prepare(tags[0]))
        {
            case FULL:
                return blocked();
            case TOO_MANY_TOPICS:
                return reject(frame, "Too many kept topics - at most " + store.options().maxTopics() +
                    " (--msgbus-max-topics)", false);
            case STOPPED:
                return reject(frame, "server is shutting down", false);
            default:
                break;
        }
        pendingReplay = retention.replay(tags[0], tags, frame.since(), (id, frames) ->
            channel.eventLoop().execute(() -> outbound.replay(id, frames)));
        return null;
    }

    private void fillReject(final InboundEvent event, final MistFrame request)
    {
        ingress.reject(event, request, rejectError, rejectClose);
    }

    /** Fills the event of one request: as its token allows, or, awaiting a token, as the first message. */
    private void fillFrame(final InboundEvent event, final MistFrame frame)
    {
        if (awaitingToken)
        {
            firstMessage(event, frame);
            return;
        }
        final Command command = frame.command();
        if (command.isAdmin() && access == Access.Kind.ADMIN)
        {
            runAdmin(frame);
            outcome = FrameOutcome.PAUSED;
            return;
        }
        if (pendingReplay >= 0 && command == Command.SUBSCRIBE)
        {
            if (!ingress.subscribeWithReplay(event, frame, pendingReplay, retention.storeSlot()))
            {
                retention.cancel(pendingReplay); // refused: no marker will come
            }
            pendingReplay = -1;
            return;
        }
        ingress.dispatch(event, frame); // a later auth is mist's no-op: only the first message authenticates
    }

    /**
     * Decides what the first message's token opens, before the message is offered (so a full ring does not ask
     * twice). A token nothing on this server knows may go to the auth URL: then the handler keeps the message, reads
     * nothing more, and is resumed with the answer. With {@code --allow-anonymous} only an {@code auth} message
     * counts as an attempt, since another command's data need not be a token (and must not be sent anywhere).
     *
     * @return false while the auth URL is asked.
     */
    private boolean decideFirst(final MistFrame frame)
    {
        if (firstAccess != null)
        {
            return true;
        }
        if (asking)
        {
            return false;
        }
        if (frame.command() != Command.AUTH && control.allowsAnonymous())
        {
            firstAccess = control.find(token(frame));
            return true;
        }
        final CompletableFuture<Access> checked = control.checkAsync(token(frame), channel.remoteAddress());
        if (checked.isDone())
        {
            firstAccess = checked.join();
            return true;
        }
        asking = true;
        inputWaiting = true;
        ConnectionLimits.identified(channel); // the client sent its token; the wait is the server's
        checked.whenComplete((answer, failure) -> channel.eventLoop().execute(() ->
        {
            asking = false;
            inputWaiting = false;
            firstAccess = answer == null ? Access.unavailable("the token check failed", 0) : answer;
            if (closed)
            {
                refused = true; // the client left meanwhile: its message goes nowhere
            }
            resume.run();
        }));
        return false;
    }

    /**
     * With an authenticator, mist reads the token from the first message's {@code data}, whatever its command, and
     * then runs that message ({@code {"command":"ping","data":"TOKEN"}} authenticates and is answered). A refused
     * token closes the connection without a word, as mist does: mist's Go client and CLI take any reply for success.
     * A token the auth URL could not decide gets an error reply saying why before the close. With
     * {@code --allow-anonymous} the connection goes on without a token instead, also without a word.
     */
    private void firstMessage(final InboundEvent event, final MistFrame frame)
    {
        awaitingToken = false;
        ConnectionLimits.identified(channel);
        final Access checked = firstAccess;
        firstAccess = null;
        if (checked.admitted())
        {
            apply(checked);
            fillFrame(event, frame);
            return;
        }
        if (control.allowsAnonymous())
        {
            access = Access.Kind.ANONYMOUS;
            fillFrame(event, frame);
            return;
        }
        refused = true;
        outcome = FrameOutcome.REFUSED;
        if (checked.kind() == Access.Kind.UNAVAILABLE)
        {
            ingress.reject(event, frame, "Unauthorized - the token could not be checked: " + checked.failure() +
                "; try again", true);
        }
        else
        {
            ingress.close(event);
        }
        LOG.debug("{} client {} from {} closed: its first message did not carry a valid token", kind, session().id(),
            channel.remoteAddress());
    }

    private void apply(final Access granted)
    {
        access = granted.kind();
        if (granted.kind() == Access.Kind.RESTRICTED)
        {
            grant = granted.grant();
            grant.addListener(this);
            ingress.restrict(TagGrants.of(engine, grant));
            if (grant.revoked())
            {
                grantChanged(grant); // unregistered between the check and now
            }
        }
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
                control(event -> ingress.reject(event, authRequest, REVOKED, true));
                LOG.info("{} client {} closed: its token was unregistered", kind, session().id());
                return;
            }
            ingress.restrict(TagGrants.of(engine, changed));
            control(ingress::prune);
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
        control.admin(command.name().toLowerCase(Locale.ROOT), token(frame), tags)
            .whenComplete((result, failure) -> channel.eventLoop().execute(() ->
            {
                if (closed)
                {
                    return; // the client left meanwhile; its session is gone from the engine
                }
                if (failure != null)
                {
                    LOG.error("Admin command '{}' failed", command, failure);
                    reply(ReplyEncoder.error(command, INTERNAL_ERROR));
                }
                else
                {
                    reply(encode(command, result));
                }
                resume.run();
            }));
    }

    /** Queues an encoded reply (none when null) after everything the client sent before. */
    private void reply(final byte[] encoded)
    {
        if (encoded != null)
        {
            control(event -> ingress.reply(event, encoded));
        }
    }

    /** The reply to an admin command, in mist's format; null when it has none (a successful write). */
    private static byte[] encode(final Command command, final AdminResult result)
    {
        if (result.error() != null)
        {
            return ReplyEncoder.error(command, result.error());
        }
        return result.tags() == null ? null : ReplyEncoder.tags(command, result.tags());
    }

    private static String token(final MistFrame frame)
    {
        return new String(frame.dataBytes(), 0, frame.dataLength(), StandardCharsets.UTF_8);
    }

    /** Offers an event of the connection's own now, or after what already waits for room. */
    private void control(final Consumer<InboundEvent> fill)
    {
        if (backlog.isEmpty() && ingress.offer(CONTROL, fill) != Offer.FULL)
        {
            return;
        }
        backlog.addLast(fill);
        awaitRoom();
    }

    /** The handler keeps its input: it goes into the backlog where it stands (first, while it is being resumed). */
    private FrameOutcome blocked()
    {
        if (!inputWaiting)
        {
            inputWaiting = true;
            if (resuming)
            {
                backlog.addFirst(INPUT);
            }
            else
            {
                backlog.addLast(INPUT);
            }
        }
        awaitRoom();
        return FrameOutcome.BLOCKED;
    }

    private void awaitRoom()
    {
        if (!retryScheduled)
        {
            retryScheduled = true;
            channel.eventLoop().schedule(this::retry, RETRY_MICROS, TimeUnit.MICROSECONDS);
        }
    }

    /** Event loop: offers what waits, in order, until the ring is full again or nothing is left. */
    private void retry()
    {
        retryScheduled = false;
        while (!backlog.isEmpty())
        {
            final Consumer<InboundEvent> next = backlog.peekFirst();
            if (next == INPUT)
            {
                backlog.pollFirst();
                inputWaiting = false;
                resuming = true;
                try
                {
                    resume.run();
                }
                finally
                {
                    resuming = false;
                }
                if (inputWaiting)
                {
                    return; // blocked again; a retry is scheduled
                }
                continue;
            }
            if (ingress.offer(CONTROL, next) == Offer.FULL)
            {
                awaitRoom();
                return;
            }
            backlog.pollFirst();
        }
    }

    /**
     * The client shut down its sending side and everything it sent is handled: the connection closes once what is
     * queued for it before (its replies) is written.
     */
    public void inputEnded()
    {
        if (!refused && !closed)
        {
            refused = true;
            control(ingress::close);
        }
    }

    /** The channel's writability changed: drain again once it can take more. */
    public void writabilityChanged(final Channel writable)
    {
        if (writable.isWritable())
        {
            outbound.resume();
        }
    }

    /** The channel is gone: stop draining, let the matcher forget the client (after its waiting input), log drops. */
    public void closed()
    {
        if (closed)
        {
            return;
        }
        if (grant != null)
        {
            grant.removeListener(this);
        }
        outbound.closed();
        control(ingress::disconnect);
        closed = true;
        final ClientSession session = ingress.session();
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
