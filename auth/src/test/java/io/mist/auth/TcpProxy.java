package io.mist.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy a test can cut and restore, to play a database that goes away and comes back on the same
 * address: while cut, every open connection is reset and new ones are accepted and closed at once. Thread per pump.
 */
public final class TcpProxy implements AutoCloseable
{
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    public TcpProxy(final String host, final int port) throws IOException
    {
        this.target = new InetSocketAddress(host, port);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port()
    {
        return server.getLocalPort();
    }

    /** Resets every connection and refuses new ones until {@link #restore()}. */
    public void cut()
    {
        down = true;
        for (final Socket socket : open)
        {
            closeQuietly(socket);
        }
        open.clear();
    }

    public void restore()
    {
        down = false;
    }

    private void accept()
    {
        while (!server.isClosed())
        {
            try
            {
                final Socket client = server.accept();
                if (down)
                {
                    closeQuietly(client);
                    continue;
                }
                final Socket upstream = new Socket();
                upstream.connect(target, 5000);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            }
            catch (final IOException ex)
            {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    private void pump(final Socket from, final Socket to)
    {
        final Thread thread = new Thread(() ->
        {
            final byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
            {
                int n;
                while ((n = in.read(buffer)) >= 0)
                {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            catch (final IOException ex)
            {
                // one side went away
            }
            finally
            {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignored)
        {
            // already closed
        }
    }

    @Override
    public void close() throws IOException
    {
        cut();
        server.close();
    }
}
