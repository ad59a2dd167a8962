package io.mist.transport;

import io.mist.engine.Engine;
import io.mist.engine.ingress.FrameDispatcher;
import io.mist.engine.session.ClientSession;
import io.mist.transport.outbound.ChannelOutbound;
import io.mist.transport.outbound.OutboundFraming;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's link to the engine, the same for every listener: its session and outbound ring, the drain
 * to its channel, and its entry into the inbound ring. Opened and closed on the connection's event loop.
 */
public final class ClientConnection
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    private final String kind;
    private final ChannelOutbound outbound;
    private final FrameDispatcher dispatcher;

    private ClientConnection(final String kind, final ChannelOutbound outbound, final FrameDispatcher dispatcher)
    {
        this.kind = kind;
        this.outbound = outbound;
        this.dispatcher = dispatcher;
    }

    /**
     * Opens the engine session of a new connection.
     *
     * @param kind how the connection is named in logs ("TCP", "WebSocket").
     * @param echoUnknown whether the unknown-command reply echoes tags and data.
     * @param framing how outbound frames are rewritten for the wire; null for mist's JSON stream as it is.
     */
    public static ClientConnection open(final Engine engine, final Channel channel, final String kind,
        final boolean echoUnknown, final OutboundFraming framing)
    {
        final ChannelOutbound outbound = new ChannelOutbound(channel);
        outbound.framing(framing);
        final ClientSession session = engine.openSession(outbound);
        outbound.attach(session);
        ListenerConnections.attach(channel, session);
        LOG.debug("{} client {} connected from {}", kind, session.id(), channel.remoteAddress());
        return new ClientConnection(kind, outbound, engine.dispatcher(session, echoUnknown));
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

    /** The channel's writability changed: drain again once it can take more. */
    public void writabilityChanged(final Channel channel)
    {
        if (channel.isWritable())
        {
            outbound.resume();
        }
    }

    /** The channel is gone: stop draining, let the matcher forget the client, log its drops. */
    public void closed()
    {
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
