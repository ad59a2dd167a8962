package io.mist.transport.http;

import io.mist.auth.Access;
import io.mist.auth.AccessControl;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The requests of one HTTP connection while one of them cannot be answered yet (a publish waiting for room in the
 * inbound ring, a token waiting for the auth URL): the connection stops reading, pipelined requests wait behind it,
 * retained, and once it is answered they are routed in order. Its event loop.
 */
public final class HeldRequests
{
    private final ArrayDeque<FullHttpRequest> held = new ArrayDeque<>();
    private final BiConsumer<ChannelHandlerContext, FullHttpRequest> router;
    private boolean waiting;
    /** The auth URL's answer for the waiting request's token, while that request is routed again. */
    private Access decided;

    /** @param router answers a request, or calls {@link #waitHere} when it cannot yet. */
    public HeldRequests(final BiConsumer<ChannelHandlerContext, FullHttpRequest> router)
    {
        this.router = router;
    }

    /** A request read from the connection: routed now, or held behind the one that waits. */
    public void read(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (!held.isEmpty())
        {
            held.add(request.retain());
            return;
        }
        router.accept(ctx, request);
        if (waiting)
        {
            held.addFirst(request.retain());
        }
    }

    /** For the router: the request it routes cannot be answered yet; it is kept and the connection stops reading. */
    public void waitHere(final ChannelHandlerContext ctx)
    {
        waiting = true;
        ctx.channel().config().setAutoRead(false);
    }

    /**
     * What {@code token} opens for the request being routed: the answer at hand, or null while the auth URL is asked;
     * then the request waits and is routed again with the answer, which this returns that time.
     */
    public Access access(final ChannelHandlerContext ctx, final AccessControl gate, final String token)
    {
        if (decided != null)
        {
            final Access answer = decided;
            decided = null;
            return answer;
        }
        final CompletableFuture<Access> checked = gate.checkAsync(token, ctx.channel().remoteAddress());
        if (checked.isDone())
        {
            return checked.join();
        }
        waitHere(ctx);
        checked.whenComplete((answer, failure) -> ctx.executor().execute(() -> again(ctx, () ->
        {
            decided = answer == null ? Access.unavailable("the token check failed", 0) : answer;
            router.accept(ctx, head());
            decided = null;
        })));
        return null;
    }

    /** Whether a request waits (false once the connection closed). */
    public boolean waiting()
    {
        return waiting;
    }

    /** The request that waits (or is being tried {@link #again}); null when none is held. */
    public FullHttpRequest head()
    {
        return held.peekFirst();
    }

    /**
     * Tries the waiting request again with {@code attempt} (which answers it or calls {@link #waitHere} again); once
     * it is answered, routes the requests behind it in order, and reads again when none of them waits.
     */
    public void again(final ChannelHandlerContext ctx, final Runnable attempt)
    {
        if (!waiting)
        {
            return; // the connection closed meanwhile
        }
        waiting = false;
        attempt.run();
        while (!waiting)
        {
            held.pollFirst().release();
            if (held.isEmpty())
            {
                ctx.channel().config().setAutoRead(true);
                return;
            }
            router.accept(ctx, held.peekFirst());
        }
    }

    /** The connection closed: nothing waits any more. */
    public void release()
    {
        waiting = false;
        for (FullHttpRequest request = held.poll(); request != null; request = held.poll())
        {
            request.release();
        }
    }
}
