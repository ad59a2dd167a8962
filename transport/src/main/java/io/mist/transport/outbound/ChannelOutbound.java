package io.mist.transport.outbound;

import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.session.ClientSession;
import io.mist.engine.session.OutboundWakeup;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves one client's outbound ring to its socket on the channel's event loop: each drain copies queued frames into
 * pooled buffers, writes them and flushes once. The matcher's {@link #wake()} schedules at most one pending drain
 * (a flag and a reusable task: nothing allocated per message). While the socket is not writable the drain stops and
 * the ring fills, so the matcher drops for this client only; {@link #resume()} restarts it.
 */
public final class ChannelOutbound implements OutboundWakeup, Runnable, ControlledMessageHandler
{
    /** Bytes per write, unless one ring record is larger. */
    private static final int BATCH_BYTES = 64 * 1024;
    /** Batches per drain before yielding the event loop to other channels. */
    private static final int BATCHES_PER_DRAIN = 16;

    private final Channel channel;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private ClientSession session;
    private ByteBuf batch;
    private boolean closing;

    public ChannelOutbound(final Channel channel)
    {
        this.channel = channel;
    }

    /** Called once, on the event loop, before the session's first event is published. */
    public void attach(final ClientSession session)
    {
        this.session = session;
    }

    /** Matcher thread: there is something to drain. */
    @Override
    public void wake()
    {
        if (!scheduled.get() && scheduled.compareAndSet(false, true))
        {
            channel.eventLoop().execute(this);
        }
    }

    /** Event loop: the socket became writable again. */
    public void resume()
    {
        drain();
    }

    @Override
    public void run()
    {
        // Cleared before reading the ring: a frame queued after this point schedules another run.
        scheduled.set(false);
        drain();
    }

    private void drain()
    {
        if (!channel.isActive() || closing)
        {
            return;
        }
        final OutboundRing ring = session.outbound();
        boolean wrote = false;
        for (int round = 0; round < BATCHES_PER_DRAIN && channel.isWritable(); round++)
        {
            final int queued = ring.size();
            if (queued == 0)
            {
                break;
            }
            // What is queued (records included) always holds the next record, so the buffer fits at least one.
            batch = channel.alloc().directBuffer(Math.min(queued, Math.max(BATCH_BYTES, ring.maxRecord())));
            ring.drain(this, Integer.MAX_VALUE);
            final boolean copied = batch.isReadable();
            if (copied)
            {
                channel.write(batch, channel.voidPromise());
                wrote = true;
            }
            else
            {
                batch.release();
            }
            batch = null;
            if (!copied)
            {
                break; // cannot happen while the buffer fits a record; never spin on it
            }
        }
        if (wrote)
        {
            channel.flush();
        }
        if (ring.size() > 0)
        {
            if (channel.isWritable())
            {
                wake(); // more than one drain's worth: let other channels run first
            }
        }
        else if (session.closeRequested())
        {
            closing = true;
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (batch.writableBytes() < length)
        {
            return Action.ABORT;
        }
        // The ring's memory is a direct ByteBuffer; its position and limit belong to this (the consumer) thread.
        final ByteBuffer memory = buffer.byteBuffer();
        memory.clear().position(index).limit(index + length);
        batch.writeBytes(memory);
        return Action.CONTINUE;
    }
}
