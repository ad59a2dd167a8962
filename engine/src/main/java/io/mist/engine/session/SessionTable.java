package io.mist.engine.session;

import java.util.Arrays;

/**
 * Every open client session by a small int slot, so that inbound ring events name their session with an int instead
 * of a reference: a reference stored into a long-lived ring slot on every message costs the garbage collector a card
 * to refine each time (a third of the broker's CPU on fan-in with G1), an int costs nothing. IO threads register a
 * session when its connection opens (rare: under a lock); the matcher frees its slot after the session's last event,
 * its disconnect. Lookups take no lock: a slot is written before any event naming it is published to the ring, and the
 * table is read through a volatile array reference.
 */
public final class SessionTable
{
    private volatile ClientSession[] sessions = new ClientSession[64];
    /** Freed slots, reused first (a stack); guarded by this. */
    private int[] free = new int[64];
    private int freeCount;
    /** Slots ever handed out; guarded by this. */
    private int used;

    /** Gives {@code session} a slot ({@link ClientSession#slot()}) and returns it. Any thread. */
    public synchronized int register(final ClientSession session)
    {
        final int slot = freeCount > 0 ? free[--freeCount] : used++;
        ClientSession[] table = sessions;
        if (slot >= table.length)
        {
            table = Arrays.copyOf(table, table.length << 1);
        }
        table[slot] = session;
        session.slot(slot);
        sessions = table; // publishes the element too
        return slot;
    }

    /** The session in {@code slot}, or null when none is there. Any thread; the matcher on every event. */
    public ClientSession get(final int slot)
    {
        final ClientSession[] table = sessions;
        return slot >= 0 && slot < table.length ? table[slot] : null;
    }

    /** Frees the slot of a session that will send no more events (after its disconnect). Matcher thread. */
    public synchronized void free(final int slot)
    {
        final ClientSession[] table = sessions;
        if (slot < 0 || slot >= table.length || table[slot] == null)
        {
            return;
        }
        table[slot] = null;
        if (freeCount == free.length)
        {
            free = Arrays.copyOf(free, free.length << 1);
        }
        free[freeCount++] = slot;
    }

    /** Sessions registered and not freed. */
    public synchronized int size()
    {
        return used - freeCount;
    }
}
