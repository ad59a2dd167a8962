package io.mist.transport.outbound;

import io.mist.engine.metrics.EngineMetrics;
import io.mist.engine.metrics.EnqueueStamp;
import io.mist.engine.metrics.LatencyStage;
import io.mist.engine.outbound.OutboundRing;
import io.mist.engine.session.ClientSession;
import io.mist.engine.session.OutboundWakeup;
import io.mist.transport.SocketTuning;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.ControlledMessageHandler;
import io.mist.engine.outbound.ReplayMarker;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Moves one client's outbound ring to its socket on the channel's event loop: each drain copies queued frames into
 * pooled buffers, writes them and flushes once. Without an {@link OutboundFraming} the ring's bytes go out as they are
 * (mist's TCP stream), a large message queued once for all its receivers ({@link OutboundRing#offerShared}) as a view
 * of one direct copy that they share; with a framing, each frame is rewritten (WebSocket, legacy text) on the way.
 * The matcher's {@link #wake()} schedules at most one pending drain (a flag and a reusable task: nothing allocated per
 * message). While the socket is not writable the drain stops and the ring fills, so the matcher drops for this client
 * only; {@link #resume()} restarts it.
 */
public final class ChannelOutbound implements OutboundWakeup, Runnable, ControlledMessageHandler
{
    /** Batches per drain before yielding the event loop to other channels. */
    private static final int BATCHES_PER_DRAIN = 16;
    /**
     * Where the shared copies of large messages come from: its buffers' views ({@link ByteBuf#retainedDuplicate}) are
     * recycled, where the default allocator's are allocated per view.
     */
    private static final ByteBufAllocator COPIES = PooledByteBufAllocator.DEFAULT;
    /** How a shared copy is given back when the last receiver has taken its view. */
    private static final Consumer<Object> RELEASE_COPY = copy -> ((ByteBuf)copy).release();

    private final Channel channel;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private ClientSession session;
    private OutboundFraming framing;
    /** Raw mode: the write buffer. Framed mode: the ring's bytes, up to the end of the last whole frame. */
    private ByteBuf batch;
    /**
     * Raw mode: views of shared copies taken in the current round, written before its batch once the ring read ends
     * (a round's shared frames all precede its batch's: a shared frame after a batched one ends the round).
     */
    private final java.util.ArrayList<ByteBuf> views = new java.util.ArrayList<>();
    /** Raw mode: bytes of {@link #views}. */
    private int viewBytes;
    /** Framed mode: bytes of a frame whose remaining records are still in the ring. */
    private ByteBuf partial;
    private boolean closing;
    /** A drain is running: a write within it must not start another (an embedded channel runs tasks on write). */
    private boolean draining;
    /** The IO thread's recorder of enqueue → written latencies; null when latency histograms are off. */
    private final SingleWriterRecorder written;
    /** Bytes per write, unless one ring record is larger. */
    private final int batchBytes;
    /** The {@link EnqueueStamp} of the current drain. */
    private int drainStamp;
    /**
     * Frames written in this drain with the same enqueue stamp (the matcher stamps a whole batch alike), recorded
     * together: one histogram update per run of frames instead of one per frame.
     */
    private int runStamp;
    private int runFrames;
    /** The replay whose marker the last ring read stopped at; -1 when none. */
    private long markerReached = -1;
    /** The replay whose marker the drain waits at: nothing after it is written until the replay is; -1 when none. */
    private long holding = -1;
    /** Replays that arrived before the drain reached their markers. */
    private final java.util.Map<Long, java.util.List<byte[]>> replays = new java.util.HashMap<>(2);

    /** A drain that records no latencies. */
    public ChannelOutbound(final Channel channel)
    {
        this(channel, null, SocketTuning.DEFAULT_WRITE_BATCH);
    }

    /**
     * @param written the channel's event loop's recorder of {@link EngineMetrics#enqueuedToWritten()}, or null when
     *     latency histograms are off.
     * @param batchBytes bytes gathered per write ({@link SocketTuning#writeBatch()}).
     */
    public ChannelOutbound(final Channel channel, final SingleWriterRecorder written, final int batchBytes)
    {
        this.channel = channel;
        this.written = written;
        this.batchBytes = batchBytes;
    }

    /** The recorder a new connection's drain uses, on its event loop (the calling thread); null when off. */
    public static SingleWriterRecorder recorderFor(final EngineMetrics metrics)
    {
        return metrics.enabled() ? metrics.enqueuedToWritten().recorder() : null;
    }

    /** Called once, on the event loop, before the session's first event is published. */
    public void attach(final ClientSession session)
    {
        this.session = session;
    }

    /**
     * Rewrites frames with {@code framing} from now on. Event loop; only while nothing is queued (before the client's
     * first request, or from the handler that decoded it before it reached the engine).
     */
    public void framing(final OutboundFraming framing)
    {
        this.framing = framing;
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

    /** Event loop: the channel is gone; gives back a partly received frame's buffer. */
    public void closed()
    {
        closing = true;
        replays.clear();
        if (partial != null)
        {
            partial.release();
            partial = null;
        }
    }

    @Override
    public void run()
    {
        // Cleared before reading the ring: a frame queued after this point schedules another run.
        scheduled.set(false);
        drain();
    }

    /**
     * Event loop: the kept messages a subscription asked for ({@code since}), to be written where the matcher marked
     * the subscription in the queue: now, if the drain waits there, else once it gets there.
     */
    public void replay(final long id, final java.util.List<byte[]> frames)
    {
        if (closing)
        {
            return;
        }
        if (holding != id)
        {
            replays.put(id, frames);
            return;
        }
        holding = -1;
        writeReplay(frames);
        drain();
    }

    private void writeReplay(final java.util.List<byte[]> frames)
    {
        int bytes = 0;
        for (final byte[] frame : frames)
        {
            bytes += frame.length;
        }
        if (bytes == 0 || !channel.isActive())
        {
            return;
        }
        final ByteBuf all = channel.alloc().directBuffer(bytes);
        for (final byte[] frame : frames)
        {
            all.writeBytes(frame);
        }
        channel.writeAndFlush(framing == null ? all : frame(all), channel.voidPromise());
    }

    private void drain()
    {
        if (!channel.isActive() || closing || session == null || holding >= 0 || draining)
        {
            return; // a drain already running (re-entered through a write) finishes the work and reschedules
        }
        draining = true;
        try
        {
            drainRounds();
        }
        finally
        {
            draining = false;
        }
    }

    private void drainRounds()
    {
        final OutboundRing ring = session.outbound();
        if (written != null)
        {
            drainStamp = EnqueueStamp.of(System.nanoTime());
        }
        boolean wrote = false;
        runFrames = 0;
        for (int round = 0; round < BATCHES_PER_DRAIN && channel.isWritable(); round++)
        {
            final int queued = ring.size();
            if (queued == 0)
            {
                break;
            }
            // What is queued (records included) always holds the next record, so the buffer fits at least one (a
            // shared frame larger than a batch grows it; see onMessage).
            batch = channel.alloc().directBuffer(Math.min(queued, Math.max(batchBytes, ring.maxRecord())));
            final int records = ring.drain(this, Integer.MAX_VALUE);
            if (!views.isEmpty())
            {
                for (int i = 0; i < views.size(); i++)
                {
                    channel.write(views.get(i), channel.voidPromise());
                }
                views.clear();
                viewBytes = 0;
                wrote = true;
            }
            final ByteBuf out = framing == null ? batch : frame(batch);
            batch = null;
            if (out != null && out.isReadable())
            {
                channel.write(out, channel.voidPromise());
                wrote = true;
            }
            else if (out != null)
            {
                out.release();
            }
            if (markerReached >= 0)
            {
                // The point of a subscription's replay: what came before is written, what comes after waits for it.
                final java.util.List<byte[]> frames = replays.remove(markerReached);
                if (frames == null)
                {
                    holding = markerReached;
                    markerReached = -1;
                    break;
                }
                markerReached = -1;
                if (wrote)
                {
                    channel.flush();
                    wrote = false;
                }
                writeReplay(frames);
                continue;
            }
            if (records == 0)
            {
                break; // cannot happen while the buffer fits a record; never spin on it
            }
        }
        if (wrote)
        {
            channel.flush();
        }
        recordRun();
        if (holding >= 0)
        {
            return; // the replay resumes the drain
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

    /**
     * Framed mode: rewrites each whole frame in {@code raw} (after what {@link #partial} holds of a frame begun in an
     * earlier drain) into a new buffer; keeps the tail of an unfinished frame in {@link #partial}. Releases raw.
     */
    private ByteBuf frame(final ByteBuf raw)
    {
        ByteBuf in = raw;
        if (partial != null)
        {
            partial.writeBytes(raw);
            raw.release();
            in = partial;
            partial = null;
        }
        final ByteBuf out = channel.alloc().directBuffer(framing.maxEncodedLength(in.readableBytes()));
        int start = in.readerIndex();
        final int end = in.writerIndex();
        int newline;
        while (start < end && (newline = in.indexOf(start, end, (byte)'\n')) >= 0)
        {
            framing.encode(in, start, newline + 1 - start, out);
            start = newline + 1;
        }
        if (start < end)
        {
            // A frame split across records, of which the ring still holds the rest: keep its beginning.
            partial = channel.alloc().directBuffer(Math.max(end - start, 1024));
            partial.writeBytes(in, start, end - start);
        }
        in.release();
        return out;
    }

    @Override
    public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (ReplayMarker.is(buffer, index, length))
        {
            markerReached = ReplayMarker.id(buffer, index, length);
            return Action.BREAK;
        }
        if (framing == null && buffer.byteArray() != null)
        {
            return takeShared(msgTypeId, buffer, index, length);
        }
        if (batch.writableBytes() < length)
        {
            if (batch.isReadable())
            {
                return Action.ABORT; // written first; the next batch takes it
            }
            batch.ensureWritable(length); // a shared frame larger than a batch: a batch of its own
        }
        if (buffer.byteArray() != null)
        {
            // A shared frame (see OutboundRing#offerShared) on its way to be framed: its one copy, in a heap array.
            batch.writeBytes(buffer.byteArray(), buffer.wrapAdjustment() + index, length);
        }
        else if (batch.hasMemoryAddress())
        {
            // Address to address: the ring's memory is direct, and so is the batch (its room was checked above).
            final int at = batch.writerIndex();
            UnsafeApi.copyMemory(buffer.addressOffset() + index, batch.memoryAddress() + at, length);
            batch.writerIndex(at + length);
        }
        else
        {
            // The ring's memory is a direct ByteBuffer; its position and limit belong to this (the consumer) thread.
            final ByteBuffer memory = buffer.byteBuffer();
            memory.clear().position(index).limit(index + length);
            batch.writeBytes(memory);
        }
        countFrame(msgTypeId, buffer, index, length);
        return Action.CONTINUE;
    }

    /**
     * Raw mode, a shared frame (a heap array, see {@link OutboundRing#offerShared}): taken as a view of the direct copy
     * that all its receivers share, made by the first of them to get here, instead of a copy for each. A frame after
     * batched ones waits for the next round, so that they are written first; a round ends once it holds a batch's
     * worth of views.
     */
    private Action takeShared(final int stamp, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (batch.isReadable())
        {
            return Action.ABORT; // the frames before it go first; the next batch starts with this one
        }
        final OutboundRing ring = session.outbound();
        ByteBuf kept = (ByteBuf)ring.sharedCopy();
        if (kept == null)
        {
            final ByteBuf made = COPIES.directBuffer(length, length);
            made.writeBytes(buffer.byteArray(), buffer.wrapAdjustment() + index, length);
            kept = (ByteBuf)ring.keepSharedCopy(made, RELEASE_COPY);
            if (kept != made)
            {
                made.release(); // another receiver kept its copy first
            }
        }
        // A view for this write: the kept copy's own indexes stay untouched for the other receivers' views.
        views.add(kept.retainedDuplicate());
        viewBytes += length;
        countFrame(stamp, buffer, index, length);
        return viewBytes >= batchBytes ? Action.BREAK : Action.CONTINUE;
    }

    /** If the record ends a frame, counts the frame once for the latency histogram, from its enqueue to this drain. */
    private void countFrame(final int stamp, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (written != null && length > 0 && buffer.getByte(index + length - 1) == '\n')
        {
            if (runFrames > 0 && stamp != runStamp)
            {
                recordRun();
            }
            runStamp = stamp;
            runFrames++;
        }
    }

    /** Records the frames of the current run of equal enqueue stamps, if any. */
    private void recordRun()
    {
        if (runFrames > 0)
        {
            LatencyStage.record(written, EnqueueStamp.elapsedNanos(runStamp, drainStamp), runFrames);
            runFrames = 0;
        }
    }
}
