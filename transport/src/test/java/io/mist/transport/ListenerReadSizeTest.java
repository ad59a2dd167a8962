package io.mist.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.RecvByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ListenerReadSizeTest
{
    /**
     * The largest buffer an accepted channel's reads grow to while every read fills its buffer (what the channel's
     * own read loop does with a fast sender).
     */
    private static int largestRead(final SocketTuning tuning) throws Exception
    {
        final CompletableFuture<Channel> accepted = new CompletableFuture<>();
        try (EventLoops loops = new EventLoops(new TransportConfig(1 << 20, 1)))
        {
            final Listener listener = new Listener("test", loops, new InetSocketAddress("127.0.0.1", 0), null,
                accepted::complete, tuning, ConnectionLimits.DEFAULTS, new io.mist.engine.EngineCounters(), false);
            try (Socket client = new Socket())
            {
                client.connect(listener.bind());
                final Channel channel = accepted.get(10, TimeUnit.SECONDS);
                return channel.eventLoop().submit(() ->
                {
                    final RecvByteBufAllocator.Handle handle = channel.config().<RecvByteBufAllocator>
                        getRecvByteBufAllocator().newHandle();
                    int largest = 0;
                    for (int read = 0; read < 200; read++)
                    {
                        handle.reset(channel.config());
                        final ByteBuf buffer = handle.allocate(ByteBufAllocator.DEFAULT);
                        largest = Math.max(largest, buffer.capacity());
                        handle.lastBytesRead(buffer.capacity()); // filled: the next read may grow
                        handle.readComplete();
                        buffer.release();
                    }
                    return largest;
                }).get(10, TimeUnit.SECONDS);
            }
            finally
            {
                listener.close();
            }
        }
    }

    @Test
    void readsGrowToTheReadSizeAndNoFurther() throws Exception
    {
        assertEquals(SocketTuning.DEFAULT_READ_SIZE, largestRead(SocketTuning.DEFAULTS));
        assertEquals(8192, largestRead(new SocketTuning(true, 0, 0, SocketTuning.DEFAULT_WRITE_BATCH, 8192)));
    }
}
