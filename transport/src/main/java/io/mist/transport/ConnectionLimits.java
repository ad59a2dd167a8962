package io.mist.transport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Limits on connections, per listener: how many may be open, how many from one IP address, how long a new
 * connection may take to identify itself (TLS handshake; the first HTTP request; the token message on TCP when an
 * authenticator is on), and how long any connection may stay silent. Zero means no limit. Immutable.
 *
 * @param maxConnections open connections per listener ({@code --max-connections}).
 * @param maxConnectionsPerIp open connections per listener from one address ({@code --max-connections-per-ip}).
 * @param handshakeTimeout {@code --handshake-timeout}.
 * @param idleTimeout no bytes received for this long closes the connection ({@code --idle-timeout}).
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerIp, Duration handshakeTimeout,
    Duration idleTimeout)
{
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(100_000, 0, Duration.ofSeconds(10),
        Duration.ZERO);
    private static final AttributeKey<ConnectionLimits> KEY = AttributeKey.valueOf(ConnectionLimits.class, "limits");
    private static final AttributeKey<Boolean> IDENTIFIED = AttributeKey.valueOf(ConnectionLimits.class, "identified");

    public ConnectionLimits
    {
        if (maxConnections < 0 || maxConnectionsPerIp < 0)
        {
            throw new IllegalArgumentException("--max-connections and --max-connections-per-ip must be 0 (no limit) " +
                "or more, got " + maxConnections + " and " + maxConnectionsPerIp);
        }
        if (handshakeTimeout.isNegative() || idleTimeout.isNegative())
        {
            throw new IllegalArgumentException("--handshake-timeout and --idle-timeout must not be negative");
        }
    }

    /** The limits a listener gave its accepted {@code channel}; {@link #DEFAULTS} when none. */
    public static ConnectionLimits of(final Channel channel)
    {
        final ConnectionLimits limits = channel.attr(KEY).get();
        return limits == null ? DEFAULTS : limits;
    }

    void attachTo(final Channel channel)
    {
        channel.attr(KEY).set(this);
    }

    /**
     * Closes {@code channel} after the handshake timeout unless {@link #identified} is called first. Event loop of
     * the channel.
     */
    public static void requireIdentification(final Channel channel, final String what)
    {
        final Duration timeout = of(channel).handshakeTimeout();
        if (timeout.isZero())
        {
            return;
        }
        channel.eventLoop().schedule(() ->
        {
            if (channel.isActive() && channel.attr(IDENTIFIED).get() == null)
            {
                LoggerFactory.getLogger(ConnectionLimits.class).info(
                    "Closing {} from {}: no {} within {} ms (--handshake-timeout)", channel.id(),
                    channel.remoteAddress(), what, timeout.toMillis());
                channel.close();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The connection has identified itself: {@link #requireIdentification}'s deadline no longer applies. */
    public static void identified(final Channel channel)
    {
        channel.attr(IDENTIFIED).set(Boolean.TRUE);
    }
}
