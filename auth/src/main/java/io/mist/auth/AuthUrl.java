package io.mist.auth;

import com.dslplatform.json.DslJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks the web app whether a token may connect, the way Centrifugo's connect proxy and isimud's AUTH_URL do:
 * {@code GET URL} with {@code Authorization: Bearer TOKEN} (and the client's address in {@code X-Forwarded-For}).
 * A 2xx allows; a body {@code {"tags":[…]}} restricts the connection to those tags as a registered token's are,
 * any other body (none, text, JSON without {@code tags}) allows without restriction. Redirects are not followed: a
 * 3xx, like any other answer under 500, refuses. A timeout, an unreachable URL, a 5xx or a 2xx whose {@code tags}
 * cannot be read leaves the token undecided ({@link Access.Kind#UNAVAILABLE}), which refuses it too. Allowing and
 * refusing answers are kept for {@code --auth-url-cache} (at most {@link #MAX_CACHED} tokens), and checks of a token
 * while its request is under way join that request, so a reconnect storm does not become a request storm.
 * Tokens are held as SHA-256 digests and never logged. Any thread; answers complete on the {@code mist-auth-url}
 * threads.
 */
public final class AuthUrl implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger("mist.auth");
    /** The largest answer read; a larger one is a bad answer. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** The most tokens whose answers are kept. */
    static final int MAX_CACHED = 100_000;
    private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private record Cached(Access access, long expiresAt)
    {
    }

    private final AuthUrlOptions options;
    private final String timeoutText;
    private final ExecutorService executor;
    private final HttpClient client;
    private final AuthUrlCounters counters = new AuthUrlCounters();
    private final DslJson<Object> json = new DslJson<>();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Access>> asking = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong(System.nanoTime());
    private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());
    private final AtomicLong unwarned = new AtomicLong();

    public AuthUrl(final AuthUrlOptions options)
    {
        this.options = options;
        this.timeoutText = format(options.timeout());
        final AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, runnable ->
        {
            final Thread thread = new Thread(runnable, "mist-auth-url-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder()
            .connectTimeout(options.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(executor)
            .build();
        LOG.info("Auth URL: tokens this server does not know are asked at {} (answers kept {}, timeout {})",
            options.describe(), format(options.cacheFor()), timeoutText);
    }

    public AuthUrlCounters counters()
    {
        return counters;
    }

    /** Tokens whose answers are kept now. */
    public int cached()
    {
        return cache.size();
    }

    /**
     * What the web app says {@code token} opens: from the cache, from a request under way for it, or from a new one.
     *
     * @param token a token, not empty.
     * @param source the client's address, sent in {@code X-Forwarded-For} and logged with a refusal.
     */
    public CompletableFuture<Access> ask(final String token, final Object source)
    {
        final String key = digest(token);
        final Cached cached = cache.get(key);
        if (cached != null && cached.expiresAt - System.nanoTime() > 0)
        {
            counters.cacheHits.incrementAndGet();
            return CompletableFuture.completedFuture(cached.access);
        }
        final CompletableFuture<Access> answer = new CompletableFuture<>();
        final CompletableFuture<Access> underWay = asking.putIfAbsent(key, answer);
        if (underWay != null)
        {
            counters.joined.incrementAndGet();
            return underWay;
        }
        final HttpRequest request;
        try
        {
            request = HttpRequest.newBuilder(options.url())
                .timeout(options.timeout())
                .header("Authorization", "Bearer " + token)
                .header("X-Forwarded-For", address(source))
                .header("User-Agent", "mist")
                .GET()
                .build();
        }
        catch (final IllegalArgumentException ex)
        {
            // A token with bytes no header may hold (a newline, say) cannot be anyone's.
            counters.denied.incrementAndGet();
            LOG.info("Auth URL not asked for {}: its token cannot be sent in a header", source);
            return finish(key, answer, Access.DENIED, true);
        }
        counters.requests.incrementAndGet();
        client.sendAsync(request, info -> new BoundedBody(MAX_ANSWER_BYTES))
            .orTimeout(options.timeout().toNanos(), TimeUnit.NANOSECONDS)
            .whenComplete((response, failure) ->
            {
                final Access access = failure == null ? decide(response, source) : failed(failure, source);
                finish(key, answer, access, access.kind() != Access.Kind.UNAVAILABLE);
            });
        return answer;
    }

    private CompletableFuture<Access> finish(final String key, final CompletableFuture<Access> answer,
        final Access access, final boolean keep)
    {
        if (keep && !options.cacheFor().isZero() && roomInCache())
        {
            cache.put(key, new Cached(access, System.nanoTime() + options.cacheFor().toNanos()));
        }
        asking.remove(key, answer);
        answer.complete(access);
        return answer;
    }

    /** Whether another answer may be kept; at the bound, answers that expired go first (at most once a second). */
    private boolean roomInCache()
    {
        if (cache.size() < MAX_CACHED)
        {
            return true;
        }
        final long now = System.nanoTime();
        final long sweep = nextSweep.get();
        if (now - sweep >= 0 && nextSweep.compareAndSet(sweep, now + SWEEP_EVERY_NANOS))
        {
            cache.values().removeIf(entry -> entry.expiresAt - now <= 0);
        }
        return cache.size() < MAX_CACHED;
    }

    private Access decide(final HttpResponse<byte[]> response, final Object source)
    {
        final int status = response.statusCode();
        if (status >= 200 && status < 300)
        {
            final Access access;
            try
            {
                access = grant(response.body());
            }
            catch (final IOException ex)
            {
                counters.badAnswers.incrementAndGet();
                return unavailable("the auth URL answered " + status + " with a body mist cannot read (" +
                    ex.getMessage() + ")", status, source);
            }
            counters.allowed.incrementAndGet();
            return access;
        }
        if (status >= 500)
        {
            counters.serverErrors.incrementAndGet();
            return unavailable("the auth URL failed with status " + status, status, source);
        }
        counters.denied.incrementAndGet();
        LOG.info("Auth URL refused the token of {} (status {})", source, status);
        return Access.deniedByUrl(status);
    }

    /** A 2xx answer's body: {@code {"tags":[…]}} restricts; anything else allows without restriction. */
    private Access grant(final byte[] body) throws IOException
    {
        int start = 0;
        while (start < body.length && Character.isWhitespace(body[start]))
        {
            start++;
        }
        if (start == body.length || body[start] != '{')
        {
            return Access.APPROVED;
        }
        final Object parsed;
        try
        {
            parsed = json.deserialize(Map.class, body, body.length);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new IOException("not JSON", ex);
        }
        if (!(parsed instanceof Map<?, ?> object) || !object.containsKey("tags"))
        {
            return Access.APPROVED;
        }
        if (!(object.get("tags") instanceof List<?> list))
        {
            throw new IOException("\"tags\" is not a list of strings");
        }
        final Set<String> tags = new LinkedHashSet<>();
        for (final Object tag : list)
        {
            if (!(tag instanceof String text) || text.isEmpty())
            {
                throw new IOException("\"tags\" holds something other than non-empty strings");
            }
            tags.add(text);
        }
        return Access.restricted(new TokenGrant(tags));
    }

    private Access failed(final Throwable thrown, final Object source)
    {
        final Throwable cause = thrown instanceof CompletionException && thrown.getCause() != null ?
            thrown.getCause() : thrown;
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException)
        {
            counters.timeouts.incrementAndGet();
            return unavailable("the auth URL did not answer within " + timeoutText, 0, source);
        }
        if (cause instanceof BoundedBody.TooLarge)
        {
            counters.badAnswers.incrementAndGet();
            return unavailable("the auth URL's answer is larger than " + MAX_ANSWER_BYTES / 1024 + " KiB", 0,
                source);
        }
        counters.unreachable.incrementAndGet();
        return unavailable("the auth URL is unreachable (" + describe(cause) + ")", 0, source);
    }

    /** An undecided token, logged at WARN at most every 5 s (with how many were not logged meanwhile). */
    private Access unavailable(final String why, final int status, final Object source)
    {
        final long now = System.nanoTime();
        final long due = nextWarning.get();
        if (now - due >= 0 && nextWarning.compareAndSet(due, now + WARN_EVERY_NANOS))
        {
            final long more = unwarned.getAndSet(0);
            LOG.warn("Auth URL {}: refused {} ({}){}", options.describe(), source, why,
                more == 0 ? "" : "; " + more + " more refusals like it since the last warning");
        }
        else
        {
            unwarned.incrementAndGet();
        }
        return Access.unavailable(why, status);
    }

    /** The first message along the cause chain ("Connection refused"), else the exception's name. */
    private static String describe(final Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause.getMessage() != null && !cause.getMessage().isBlank())
            {
                return cause.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }

    private static String address(final Object source)
    {
        return source instanceof InetSocketAddress socket && socket.getAddress() != null ?
            socket.getAddress().getHostAddress() : String.valueOf(source);
    }

    private static String digest(final String token)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }

    /** "5s", "1500ms", "0s". */
    private static String format(final java.time.Duration duration)
    {
        final long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** Stops the request threads; checks under way complete as unreachable. Main thread, at shutdown. */
    @Override
    public void close()
    {
        executor.shutdownNow();
    }
}
