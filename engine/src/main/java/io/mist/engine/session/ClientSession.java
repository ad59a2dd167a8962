package io.mist.engine.session;

import io.mist.engine.Counter;
import io.mist.engine.match.SessionSubscriptions;
import io.mist.engine.outbound.OutboundRing;

/**
 * One client connection as the engine sees it: its outbound ring, its drop count and (matcher-owned) its
 * subscriptions. Created by a transport on an IO thread; afterwards its state is written by the matcher thread
 * only, and the transport reads the ring and the close request.
 */
public final class ClientSession
{
    private final long id;
    /** A subscriber inside the server (the retention store), not a client connection. */
    private final boolean internal;
    private final OutboundRing outbound;
    private final OutboundWakeup wakeup;
    private final Counter dropped = new Counter();
    private final Counter delivered = new Counter();
    /** Subscriptions held, as the matcher last counted them (for reports; the set itself is the matcher's). */
    private final Counter subscriptionCount = new Counter();
    private final long connectedAtMillis = System.currentTimeMillis();
    private final SessionSubscriptions subscriptions = new SessionSubscriptions();
    private volatile boolean closeRequested;
    /** Matcher thread: its messages carry their ids (it asked for a replay, or it is the retention store). */
    private boolean withIds;
    /** Matcher thread: already in this batch's list of clients to wake. */
    private boolean wakePending;
    /** Matcher thread: this client's slot in the subscription index while it holds subscriptions, else -1. */
    public int indexSlot = -1;
    /** Its slot in the engine's {@link SessionTable}, how inbound events name it; -1 before it is registered. */
    private int slot = -1;

    public ClientSession(final long id, final OutboundRing outbound, final OutboundWakeup wakeup)
    {
        this(id, outbound, wakeup, false);
    }

    /** @param internal a subscriber inside the server: no subscription limit, not counted by {@code who}. */
    public ClientSession(final long id, final OutboundRing outbound, final OutboundWakeup wakeup,
        final boolean internal)
    {
        this.internal = internal;
        this.id = id;
        this.outbound = outbound;
        this.wakeup = wakeup;
    }

    /** The connection number (mist's proxy id): unique for the process lifetime. */
    public long id()
    {
        return id;
    }

    /** Matcher thread (or before the session's first event): whether its messages carry their ids. */
    public boolean withIds()
    {
        return withIds;
    }

    public void withIds(final boolean on)
    {
        withIds = on;
    }

    /** A subscriber inside the server (the retention store) rather than a client connection. */
    public boolean internal()
    {
        return internal;
    }

    /** Its slot in the engine's {@link SessionTable}; -1 when it is not registered. */
    public int slot()
    {
        return slot;
    }

    /** Set once by {@link SessionTable#register}, before the session's first event. */
    void slot(final int value)
    {
        slot = value;
    }

    public OutboundRing outbound()
    {
        return outbound;
    }

    /** Published messages queued for this client; written by the matcher thread. */
    public Counter delivered()
    {
        return delivered;
    }

    /** How many subscriptions the client holds; written by the matcher thread, read by anyone. */
    public Counter subscriptionCount()
    {
        return subscriptionCount;
    }

    /** When the connection was opened, epoch milliseconds. */
    public long connectedAtMillis()
    {
        return connectedAtMillis;
    }

    /** Frames dropped for this client because its ring was full; written by the matcher thread. */
    public Counter dropped()
    {
        return dropped;
    }

    /** Matcher thread only. */
    public SessionSubscriptions subscriptions()
    {
        return subscriptions;
    }

    /** Set by the matcher once the frames before it are queued: the transport closes after draining them. */
    public boolean closeRequested()
    {
        return closeRequested;
    }

    public void requestClose()
    {
        closeRequested = true;
    }

    /** Matcher thread only: returns true the first time in a batch, so each client is woken once per batch. */
    public boolean markWakePending()
    {
        if (wakePending)
        {
            return false;
        }
        wakePending = true;
        return true;
    }

    /** Matcher thread only: ends the batch's pending state and wakes the transport. */
    public void wake()
    {
        wakePending = false;
        wakeup.wake();
    }

    @Override
    public String toString()
    {
        return "client#" + id;
    }
}
