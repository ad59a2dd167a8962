package io.mist.transport.msgbus;

import io.mist.retention.RetainedMessage;
import io.mist.retention.RetainedTopic;
import io.mist.retention.TopicSubscriber;
import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.session.ClientSession;
import io.mist.transport.outbound.ChannelOutbound;
import io.mist.transport.ws.WebSocketControl;
import io.mist.transport.ws.WebSocketTextFraming;
import org.agrona.concurrent.UnsafeBuffer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One msgbus WebSocket subscriber of a topic: the retention thread hands it the topic's messages, each sent as one
 * text frame of msgbus's message JSON and a newline (as Go's {@code WriteJSON}). They go through an outbound ring of
 * its own, as a mist client's do (the retention thread writes, the event loop drains): when it is full (the client
 * reads too slowly) messages are dropped for it and counted, as for any slow mist client. The server pings it every
 * {@link #PING_SECONDS} seconds, as msgbus does; what it sends is read and ignored, as msgbus does, but a close is
 * answered. Frames from the client: its event loop; deliveries: the retention thread.
 */
final class MsgbusSocket extends ChannelInboundHandlerAdapter implements TopicSubscriber
{
    /** msgbus's ping period (nine tenths of its 60 s pong wait). */
    static final long PING_SECONDS = 54;

    private final Channel channel;
    private final WebSocketServerHandshaker handshaker;
    private final OutboundRing ring;
    private final ChannelOutbound outbound;
    /** The retention thread's view of a message being written into the ring. */
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private ScheduledFuture<?> pings;

    /** @param capacity the most its ring may hold ({@code --client-buffer-size}). */
    MsgbusSocket(final Channel channel, final WebSocketServerHandshaker handshaker, final int capacity)
    {
        this.channel = channel;
        this.handshaker = handshaker;
        this.ring = new OutboundRing(capacity);
        this.outbound = new ChannelOutbound(channel);
        outbound.framing(WebSocketTextFraming.INSTANCE);
        outbound.attach(new ClientSession(0, ring, outbound, true)); // the ring's holder; not the engine's
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        pings = ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(new PingWebSocketFrame(
            Unpooled.copiedBuffer(Long.toString(System.nanoTime()), StandardCharsets.US_ASCII))), PING_SECONDS,
            PING_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        if (!(message instanceof WebSocketFrame frame))
        {
            ctx.fireChannelRead(message);
            return;
        }
        try
        {
            WebSocketControl.answer(ctx, handshaker, frame); // anything else is read and ignored, as msgbus does
        }
        finally
        {
            frame.release();
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
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        if (pings != null)
        {
            pings.cancel(false);
        }
        outbound.closed(); // the ring's memory goes with the garbage, once the retention thread forgets this socket
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ctx.close();
    }

    @Override
    public boolean deliver(final RetainedTopic topic, final RetainedMessage message, final byte[] payload)
    {
        final byte[] json = MsgbusJson.line(topic, message, payload);
        view.wrap(json);
        if (!ring.offer(view, 0, json.length))
        {
            return false;
        }
        outbound.wake();
        return true;
    }

    @Override
    public boolean open()
    {
        return channel.isActive();
    }

    @Override
    public void topicDeleted(final RetainedTopic topic)
    {
        channel.writeAndFlush(new CloseWebSocketFrame(1000, "topic deleted")).addListener(ChannelFutureListener.CLOSE);
    }
}
