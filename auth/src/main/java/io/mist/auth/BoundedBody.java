package io.mist.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** An HTTP answer's body as bytes, up to a limit: a larger one fails with {@link TooLarge}. The client's threads. */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]>
{
    /** The body is larger than the limit. */
    static final class TooLarge extends IOException
    {
        TooLarge(final int limit)
        {
            super("answer larger than " + limit + " bytes");
        }
    }

    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(final int limit)
    {
        this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody()
    {
        return body;
    }

    @Override
    public void onSubscribe(final Flow.Subscription subscription)
    {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(final List<ByteBuffer> buffers)
    {
        for (final ByteBuffer buffer : buffers)
        {
            if (body.isDone())
            {
                return;
            }
            if (bytes.size() + buffer.remaining() > limit)
            {
                subscription.cancel();
                body.completeExceptionally(new TooLarge(limit));
                return;
            }
            final byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.writeBytes(chunk);
        }
    }

    @Override
    public void onError(final Throwable failure)
    {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete()
    {
        body.complete(bytes.toByteArray());
    }
}
