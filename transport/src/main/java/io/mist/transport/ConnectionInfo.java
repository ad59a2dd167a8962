package io.mist.transport;

/**
 * One open client connection as an operator sees it ({@code GET /connections}): its id (mist's connection number),
 * where it comes from, what its token opened (never the token), and what it holds and received. A snapshot, read from
 * any thread while the connection runs, so its numbers are approximate.
 *
 * @param auth {@code none} (no authenticator), {@code pending} (its token message has not come yet),
 *     {@code anonymous}, {@code restricted} or {@code admin}.
 * @param queuedBytes bytes waiting in its outbound ring.
 */
public record ConnectionInfo(long id, String listener, String remote, String auth, long subscriptions,
    long queuedBytes, long delivered, long dropped, long connectedAtMillis)
{
}
