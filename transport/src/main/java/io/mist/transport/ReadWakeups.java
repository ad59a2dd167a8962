package io.mist.transport;

import io.mist.engine.ring.WakeupHold;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First in every connection's pipeline: while the handlers behind it turn one socket read into requests, the matcher
 * is woken once for all of them rather than once per request ({@link WakeupHold}). A busy publisher's read holds
 * hundreds of messages; the matcher then takes them as one batch, and writes and wakes each subscriber once for it.
 * Shared by a listener's connections; runs on their IO threads.
 */
@ChannelHandler.Sharable
public final class ReadWakeups extends ChannelInboundHandlerAdapter
{
    private final WakeupHold wakeups;

    public ReadWakeups(final WakeupHold wakeups)
    {
        this.wakeups = wakeups;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        wakeups.hold();
        try
        {
            ctx.fireChannelRead(msg);
        }
        finally
        {
            wakeups.release();
        }
    }
}
