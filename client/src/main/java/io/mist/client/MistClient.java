package io.mist.client;

import io.mist.codec.Command;
import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.JsonFrameScanner;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of mist's TCP protocol, for this server and for the original Go mist alike (it uses only what both
 * speak). Commands return futures: a reply's command completes it, and commands that mist never answers
 * ({@code subscribe}, {@code register}, ...) are followed by a {@code ping} whose pong completes them, unless an
 * error for them arrives first. Deliveries go to the listener of {@link ClientOptions}, or queue in
 * {@link #messages()}. Optionally reconnects and re-subscribes. Thread-safe.
 *
 * <pre>{@code
 * try (MistClient subscriber = MistClient.connect("127.0.0.1", 1445, ClientOptions.defaults());
 *      MistClient publisher = MistClient.connect("127.0.0.1", 1445, ClientOptions.defaults())) {
 *     subscriber.subscribe(List.of("hello")).join();
 *     publisher.publish(List.of("hello"), "world"); // a client never receives its own publishes
 *     Message message = subscriber.messages().take();
 * }
 * }</pre>
 */
public final class MistClient implements AutoCloseable
{
    /** On a TLS connection's channel: its handshake, set when the pipeline is built ({@link #handshake}). */
    private static final io.netty.util.AttributeKey<io.netty.util.concurrent.Future<Channel>> HANDSHAKE =
        io.netty.util.AttributeKey.valueOf(MistClient.class, "handshake");

    private final InetSocketAddress address;
    private final ClientOptions options;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final ReplyTracker replies = new ReplyTracker();
    /** With {@link ClientOptions#tls}: the client side of TLS; null for plain TCP. */
    private final SslContext tls;
    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    /** Subscriptions held, each a sorted tag set, for re-subscribing after a reconnect. Guarded by {@code this}. */
    private final Set<List<String>> subscriptions = new LinkedHashSet<>();
    /** Subscriptions that asked for a replay, with the id they asked from. */
    private final java.util.Map<List<String>, Long> replaying = new java.util.HashMap<>();
    /** The highest id of a message received (on any connection); -1 before one. */
    private volatile long lastId = -1;
    private volatile Channel channel;
    private volatile boolean closed;
    /** The connection a token was sent on and nothing has come back on yet: if it closes now, the token was refused. */
    private volatile Channel tokenUnanswered;
    /**
     * Why the connection ended, when the server said so (a refused token, a connection-level error); null
     * otherwise. Reset by a new connection.
     */
    private volatile MistReplyException refusal;
    private long nextDelayMillis;

    private MistClient(final InetSocketAddress address, final ClientOptions options) throws IOException
    {
        this.address = address;
        this.options = options;
        this.tls = options.tls ? tlsContext(options) : null;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("mist-client", true),
            NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)options.connectTimeout.toMillis())
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel socket)
                {
                    if (tls != null)
                    {
                        final SslHandler handler = tls.newHandler(socket.alloc(), address.getHostString(),
                            address.getPort());
                        if (!options.insecure)
                        {
                            final SSLParameters parameters = handler.engine().getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate names the host
                            handler.engine().setSSLParameters(parameters);
                        }
                        handler.setHandshakeTimeoutMillis(options.connectTimeout.toMillis());
                        socket.attr(HANDSHAKE).set(handler.handshakeFuture());
                        socket.pipeline().addLast(handler);
                    }
                    socket.pipeline().addLast(new Decoder());
                }
            });
        this.nextDelayMillis = options.reconnectDelay.toMillis();
    }

    /**
     * Connects (and sends the token, if any). Throws {@link IOException} when the server cannot be reached within the
     * connect timeout.
     */
    public static MistClient connect(final String host, final int port, final ClientOptions options)
        throws IOException
    {
        final MistClient client = new MistClient(new InetSocketAddress(host, port), options);
        try
        {
            client.open();
        }
        catch (final IOException ex)
        {
            client.group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw ex;
        }
        return client;
    }

    /**
     * Connects to {@code host:port}, mist's {@code --host} form ({@code [::1]:1445} for IPv6; an empty host is the
     * local host, as Go's). Throws {@link IllegalArgumentException} saying what is wrong with a malformed address.
     */
    public static MistClient connect(final String hostAndPort, final ClientOptions options) throws IOException
    {
        final int colon = hostAndPort.lastIndexOf(':');
        if (colon < 0)
        {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + hostAndPort + "'");
        }
        final String host = hostAndPort.substring(0, colon).replace("[", "").replace("]", "");
        final String portText = hostAndPort.substring(colon + 1);
        final int port;
        try
        {
            port = Integer.parseInt(portText);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("expected HOST:PORT with a port number, got '" + hostAndPort + "'");
        }
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("port " + port + " is out of range (1-65535) in '" + hostAndPort + "'");
        }
        return connect(host.isEmpty() ? "localhost" : host, port, options);
    }

    private void open() throws IOException
    {
        final ChannelFuture connecting = bootstrap.connect(address).awaitUninterruptibly();
        if (!connecting.isSuccess())
        {
            throw new IOException("cannot connect to " + address.getHostString() + ":" + address.getPort() + " - " +
                describe(connecting.cause()), connecting.cause());
        }
        if (tls != null)
        {
            final io.netty.util.concurrent.Future<Channel> handshake = handshake(connecting.channel())
                .awaitUninterruptibly();
            if (!handshake.isSuccess())
            {
                connecting.channel().close();
                throw new IOException(handshakeFailure(handshake.cause()), handshake.cause());
            }
        }
        attach(connecting.channel());
    }

    /**
     * The TLS handshake of a connected channel, kept when its handler was added: a handshake that failed and closed
     * the channel before this look (the pipeline, and the handler with it, gone) still tells why, say a certificate
     * the client does not trust, rather than looking like a server that hung up. Failed with
     * {@link java.nio.channels.ClosedChannelException} only for a channel closed before its pipeline was set up.
     */
    private static io.netty.util.concurrent.Future<Channel> handshake(final Channel channel)
    {
        final io.netty.util.concurrent.Future<Channel> handshake = channel.attr(HANDSHAKE).get();
        return handshake != null ? handshake :
            channel.eventLoop().newFailedFuture(new java.nio.channels.ClosedChannelException());
    }

    /** A new connection: authenticate (mist never answers auth) and take back every subscription. */
    private void attach(final Channel connected)
    {
        synchronized (this)
        {
            channel = connected;
            refusal = null;
            if (options.token != null && !options.token.isEmpty())
            {
                tokenUnanswered = connected;
                write(encode(Command.AUTH, List.of(), options.token));
            }
            for (final List<String> tags : subscriptions)
            {
                final Long since = replaying.get(tags);
                // A replaying subscription goes on after the last message this client received.
                write(since == null ? encode(Command.SUBSCRIBE, tags, "") :
                    subscribeSince(tags, lastId >= 0 ? lastId + 1 : since));
            }
        }
        connected.closeFuture().addListener(future -> lost(connected));
        if (closed)
        {
            connected.close(); // close() ran meanwhile and may have closed the channel before this one
        }
    }

    /** Sends {@code ping}; completes with the pong. */
    public CompletableFuture<Message> ping()
    {
        return request(Command.PING, List.of(), "");
    }

    /** Subscribes to messages holding all of {@code tags}; completes once the server has applied it. */
    public CompletableFuture<Void> subscribe(final List<String> tags)
    {
        requireTags(tags);
        synchronized (this)
        {
            subscriptions.add(List.copyOf(new TreeSet<>(tags)));
            return acknowledged(Command.SUBSCRIBE, tags, "");
        }
    }

    /**
     * Subscribes, and first receives the messages the server kept for it from message id {@code since} on (mist for
     * the JVM's replay; the server keeps messages per the subscription's first tag from the first such request on).
     * From then on every message carries its {@link Message#id()}; after a reconnection the subscription is taken
     * back from the message after the last one received, so what came meanwhile arrives (as far as it was kept).
     * Completes once the server has applied it and sent the kept messages ahead of the pong.
     */
    public CompletableFuture<Void> subscribe(final List<String> tags, final long since)
    {
        requireTags(tags);
        if (since < 0)
        {
            throw new IllegalArgumentException("since must be a message id, 0 or more: " + since);
        }
        synchronized (this)
        {
            final List<String> sorted = List.copyOf(new TreeSet<>(tags));
            subscriptions.add(sorted);
            replaying.put(sorted, since);
            final CompletableFuture<Message> future = new CompletableFuture<>();
            replies.expectAcknowledgement("subscribe", future);
            write(subscribeSince(tags, since));
            write(encode(Command.PING, List.of(), ""));
            return future.thenApply(pong -> null);
        }
    }

    /** A subscribe frame with {@code "since"}. */
    private static byte[] subscribeSince(final List<String> tags, final long since)
    {
        final byte[] plain = encode(Command.SUBSCRIBE, tags, "");
        final byte[] member = (",\"since\":" + since + "}\n").getBytes(StandardCharsets.US_ASCII);
        final byte[] frame = java.util.Arrays.copyOf(plain, plain.length - 2 + member.length);
        System.arraycopy(member, 0, frame, plain.length - 2, member.length);
        return frame;
    }

    /** Removes exactly that subscription. */
    public CompletableFuture<Void> unsubscribe(final List<String> tags)
    {
        requireTags(tags);
        synchronized (this)
        {
            replaying.remove(List.copyOf(new TreeSet<>(tags)));
            subscriptions.remove(List.copyOf(new TreeSet<>(tags)));
            return acknowledged(Command.UNSUBSCRIBE, tags, "");
        }
    }

    /** Publishes without waiting, as mist's clients do; a refusal goes to the error listener. */
    public void publish(final List<String> tags, final String data)
    {
        requireTags(tags);
        synchronized (this)
        {
            write(encode(Command.PUBLISH, tags, data));
        }
    }

    /** Publishes and completes once the server has handled it (failing with its error, if it refused it). */
    public CompletableFuture<Void> publishConfirmed(final List<String> tags, final String data)
    {
        requireTags(tags);
        return acknowledged(Command.PUBLISH, tags, data);
    }

    /** Completes once the server has handled everything sent before. */
    public CompletableFuture<Void> flush()
    {
        return ping().thenApply(pong -> null);
    }

    /** This connection's subscriptions, as the server formats them (mist: each set's tags joined by ','). */
    public CompletableFuture<String> list()
    {
        return request(Command.LIST, List.of(), "").thenApply(Message::data);
    }

    /** Every tag subscribed to on the server, space-separated. */
    public CompletableFuture<String> listall()
    {
        return request(Command.LISTALL, List.of(), "").thenApply(Message::data);
    }

    /** The server's connection counts. */
    public CompletableFuture<String> who()
    {
        return request(Command.WHO, List.of(), "").thenApply(Message::data);
    }

    /** Admin: creates {@code token} with {@code tags}. */
    public CompletableFuture<Void> register(final String token, final List<String> tags)
    {
        return acknowledged(Command.REGISTER, tags, token);
    }

    /** Admin: deletes {@code token}. */
    public CompletableFuture<Void> unregister(final String token)
    {
        return acknowledged(Command.UNREGISTER, List.of(), token);
    }

    /** Admin: adds tags to {@code token}. */
    public CompletableFuture<Void> set(final String token, final List<String> tags)
    {
        return acknowledged(Command.SET, tags, token);
    }

    /** Admin: removes tags from {@code token}. */
    public CompletableFuture<Void> unset(final String token, final List<String> tags)
    {
        return acknowledged(Command.UNSET, tags, token);
    }

    /** Admin: the tags of {@code token}. */
    public CompletableFuture<List<String>> tags(final String token)
    {
        return request(Command.TAGS, List.of(), token).thenApply(Message::tags);
    }

    /** Deliveries, when no listener was given. */
    public BlockingQueue<Message> messages()
    {
        return messages;
    }

    /** Whether the client has a live connection now. */
    public boolean connected()
    {
        final Channel current = channel;
        return current != null && current.isActive();
    }

    /** Waits for a command's future with the reply timeout; unwraps the server's error. */
    public <T> T await(final CompletableFuture<T> future) throws IOException, TimeoutException
    {
        try
        {
            return future.get(options.replyTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        catch (final TimeoutException ex)
        {
            throw new TimeoutException("no reply from " + address.getHostString() + ":" + address.getPort() +
                " within " + options.replyTimeout.toMillis() + " ms");
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof MistReplyException)
            {
                throw (MistReplyException)ex.getCause();
            }
            throw ex.getCause() instanceof IOException ? (IOException)ex.getCause() :
                new IOException(describe(ex.getCause()), ex.getCause());
        }
    }

    @Override
    public void close()
    {
        closed = true;
        final Channel current = channel;
        if (current != null)
        {
            current.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    private CompletableFuture<Message> request(final Command command, final List<String> tags, final String data)
    {
        final CompletableFuture<Message> future = new CompletableFuture<>();
        synchronized (this)
        {
            replies.expectReply(command.name().toLowerCase(java.util.Locale.ROOT), future);
            write(encode(command, tags, data));
        }
        return future;
    }

    private CompletableFuture<Void> acknowledged(final Command command, final List<String> tags, final String data)
    {
        final CompletableFuture<Message> future = new CompletableFuture<>();
        synchronized (this)
        {
            replies.expectAcknowledgement(command.name().toLowerCase(java.util.Locale.ROOT), future);
            write(encode(command, tags, data));
            write(encode(Command.PING, List.of(), ""));
        }
        return future.thenApply(pong -> null);
    }

    /** Under {@code this}: the order of writes is the order of the expectations. */
    private void write(final byte[] frame)
    {
        final Channel current = channel;
        if (current == null || !current.isActive())
        {
            // Fails what waits; with reconnection on, subscriptions are taken back on the next connection.
            final MistReplyException refused = refusal;
            replies.failAll(refused != null ? refused :
                new IOException("not connected to " + address.getHostString() + ":" + address.getPort()));
            return;
        }
        current.writeAndFlush(current.alloc().buffer(frame.length).writeBytes(frame));
    }

    private static byte[] encode(final Command command, final List<String> tags, final String data)
    {
        return Message.encode(command.name().toLowerCase(java.util.Locale.ROOT), tags, data, "");
    }

    private static void requireTags(final List<String> tags)
    {
        if (tags == null || tags.isEmpty())
        {
            throw new IllegalArgumentException("at least one tag is needed");
        }
    }

    /** IO thread: one message from the server. */
    private void received(final Message message)
    {
        tokenUnanswered = null;
        if (message.command().isEmpty() && !message.error().isEmpty())
        {
            // About the connection, not a command (e.g. "Too many connections", a plain client at a TLS port): no
            // command takes it, and if the server hangs up now, this is why.
            refusal = new MistReplyException("", message.error());
            options.errorListener.accept(refusal);
            return;
        }
        if (message.isDelivery())
        {
            if (message.id() > lastId)
            {
                lastId = message.id();
            }
            if (options.listener != null)
            {
                options.listener.accept(message);
            }
            else
            {
                messages.add(message);
            }
            return;
        }
        if (!replies.offer(message) && !message.error().isEmpty())
        {
            options.errorListener.accept(new MistReplyException(message.command(), message.error()));
        }
    }

    /**
     * The connection closed: fail what waits; reconnect if asked to. A server with an authenticator refuses a token
     * by closing the connection without a word (mist's way): closed before anything came back after the token, the
     * token counts as refused, and what waits fails with a {@link MistReplyException} for {@code auth}.
     */
    private void lost(final Channel gone)
    {
        if (channel != gone)
        {
            return;
        }
        if (tokenUnanswered == gone)
        {
            tokenUnanswered = null;
            refusal = new MistReplyException("auth", "wrong token - the server closed the connection after it, " +
                "without a reply");
        }
        final MistReplyException refused = refusal;
        replies.failAll(refused != null ? refused : new IOException("connection to " + address.getHostString() + ":" +
            address.getPort() + " lost"));
        if (closed)
        {
            return;
        }
        options.errorListener.accept(refused != null ? refused : new IOException("connection to " +
            address.getHostString() + ":" + address.getPort() + " lost" + (options.reconnect ? "; reconnecting" : "")));
        if (options.reconnect)
        {
            scheduleReconnect();
        }
    }

    private void scheduleReconnect()
    {
        final long delay = nextDelayMillis;
        nextDelayMillis = Math.min(nextDelayMillis * 2, options.maxReconnectDelay.toMillis());
        group.schedule(() ->
        {
            if (closed)
            {
                return;
            }
            bootstrap.connect(address).addListener((ChannelFuture connecting) ->
            {
                if (connecting.isSuccess() && closed)
                {
                    connecting.channel().close(); // closed while connecting: not left to the loop's shutdown
                }
                else if (connecting.isSuccess() && tls != null)
                {
                    handshake(connecting.channel()).addListener(handshake ->
                    {
                        if (closed)
                        {
                            connecting.channel().close();
                        }
                        else if (handshake.isSuccess())
                        {
                            nextDelayMillis = options.reconnectDelay.toMillis();
                            attach(connecting.channel());
                        }
                        else
                        {
                            options.errorListener.accept(new IOException(handshakeFailure(handshake.cause())));
                            scheduleReconnect();
                        }
                    });
                }
                else if (connecting.isSuccess())
                {
                    nextDelayMillis = options.reconnectDelay.toMillis();
                    attach(connecting.channel());
                }
                else if (!closed)
                {
                    options.errorListener.accept(new IOException("reconnect to " + address.getHostString() + ":" +
                        address.getPort() + " failed - " + describe(connecting.cause())));
                    scheduleReconnect();
                }
            });
        }, delay, TimeUnit.MILLISECONDS);
    }

    private static SslContext tlsContext(final ClientOptions options) throws IOException
    {
        final SslContextBuilder builder = SslContextBuilder.forClient();
        if (options.insecure)
        {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        else if (options.trustedCertificates != null)
        {
            try
            {
                builder.trustManager(options.trustedCertificates.toFile());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IOException("cannot read trusted certificates from " + options.trustedCertificates + " - " +
                    describe(ex.getCause() == null ? ex : ex.getCause()), ex);
            }
        }
        try
        {
            return builder.build();
        }
        catch (final javax.net.ssl.SSLException | IllegalArgumentException ex)
        {
            throw new IOException("cannot set up TLS - " + describe(ex), ex);
        }
    }

    /** Why a TLS handshake failed, in words that point at the usual causes. */
    private String handshakeFailure(final Throwable cause)
    {
        final String where = "TLS handshake with " + address.getHostString() + ":" + address.getPort() + " failed - ";
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root)
        {
            if (root instanceof java.security.cert.CertificateException)
            {
                break;
            }
            root = root.getCause();
        }
        if (cause instanceof NotSslRecordException || cause instanceof java.nio.channels.ClosedChannelException ||
            cause != null && String.valueOf(cause.getMessage()).contains("closed"))
        {
            return where + "the server answered without TLS or hung up; is it a plain tcp:// listener? (then " +
                "connect without TLS)";
        }
        if (root instanceof java.security.cert.CertificateException ||
            root instanceof java.security.cert.CertPathValidatorException ||
            root instanceof java.security.cert.CertPathBuilderException)
        {
            return where + "the server's certificate is not trusted (" + describe(root) + "); trust its CA or " +
                "certificate (mist --tls-ca FILE, ClientOptions.trustCertificates), or, for a test server only, " +
                "skip verification (mist --tls-insecure, ClientOptions.insecure)";
        }
        return where + describe(cause);
    }

    private static String describe(final Throwable cause)
    {
        if (cause == null)
        {
            return "unknown error";
        }
        if (cause instanceof java.net.UnknownHostException)
        {
            return "unknown host";
        }
        final String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** Finds each JSON message in the stream and hands it over as a {@link Message}. */
    private final class Decoder extends ByteToMessageDecoder
    {
        private final JsonFrameScanner scanner = new JsonFrameScanner(64 * 1024 * 1024);
        private final MistFrameParser parser = new MistFrameParser();
        private final MistFrame frame = new MistFrame();
        private final GrowableBytes bytes = new GrowableBytes(512);

        @Override
        protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
        {
            while (in.isReadable())
            {
                if (!scanner.inFrame() && !JsonFrameScanner.skipWhitespace(in))
                {
                    return;
                }
                final int length = scanner.scan(in);
                if (length < 0)
                {
                    if (length != JsonFrameScanner.NEED_MORE)
                    {
                        ctx.close(); // not mist: nothing sensible can follow
                    }
                    return;
                }
                bytes.clear();
                bytes.ensureSpare(length);
                in.readBytes(bytes.array(), 0, length);
                try
                {
                    parser.parse(bytes.array(), length, frame);
                    received(toMessage(frame));
                }
                catch (final FrameException ex)
                {
                    options.errorListener.accept(new IOException("unreadable message from the server: " +
                        ex.getMessage()));
                }
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }

    private static Message toMessage(final MistFrame frame)
    {
        final List<String> tags = new ArrayList<>(frame.tagCount());
        for (int i = 0; i < frame.tagCount(); i++)
        {
            tags.add(new String(frame.tagBytes(), frame.tagOffset(i), frame.tagLength(i), StandardCharsets.UTF_8));
        }
        return new Message(new String(frame.commandBytes(), 0, frame.commandLength(), StandardCharsets.UTF_8), tags,
            new String(frame.dataBytes(), 0, frame.dataLength(), StandardCharsets.UTF_8),
            new String(frame.errorBytes(), 0, frame.errorLength(), StandardCharsets.UTF_8), frame.id());
    }
}
