package io.mist.transport;

import io.mist.engine.Engine;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Ends a connection whose handler caught an exception, telling the client's doing from a fault of ours. A reset
 * socket, a failed TLS handshake or bytes Netty's own decoders reject are the client's: logged at debug. Anything else
 * thrown while handling a connection is a bug in the server: logged at WARN with its stack trace and counted in
 * {@code mist_connection_errors_total}, so that it cannot hide behind a closed connection. Event loop.
 */
public final class ConnectionFailure
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionFailure.class);

    private ConnectionFailure()
    {
    }

    /** Logs and counts {@code cause} as described above, then closes the connection. */
    public static void close(final ChannelHandlerContext ctx, final Engine engine, final String client,
        final Throwable cause)
    {
        if (isClients(cause))
        {
            LOG.debug("{} failed: {}", client, cause.toString());
        }
        else
        {
            engine.counters().connectionErrors.incrementAndGet();
            LOG.warn("{} closed after an unexpected error", client, cause);
        }
        ctx.close();
    }

    /** Whether {@code cause} comes from the client or its socket rather than from the server's own code. */
    static boolean isClients(final Throwable cause)
    {
        Throwable root = cause;
        while (root instanceof DecoderException && root.getCause() != null)
        {
            root = root.getCause();
        }
        // Netty's decoders report malformed input as DecoderException subclasses of their own (corrupted or too long
        // frames) without a cause; a cause wrapped by ByteToMessageDecoder is unwrapped above. A client that hangs up
        // in the middle of an HTTP message gets its aggregator's PrematureChannelClosureException.
        return root instanceof IOException || root instanceof DecoderException ||
            root instanceof PrematureChannelClosureException;
    }
}
