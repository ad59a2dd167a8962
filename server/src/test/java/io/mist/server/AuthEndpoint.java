package io.mist.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A web app's auth endpoint for {@code --auth-url} tests: a real HTTP server on an ephemeral loopback port that
 * decides by the bearer token's prefix: {@code allow…} 200 with no body, {@code tags-X-Y…} 200
 * {@code {"tags":["X","Y"]}}, {@code deny…} 403, {@code boom…} 500, {@code slow…} 200 after two seconds,
 * {@code lazy…} 200 after 0.3 s, {@code bad…} 200 {@code {"tags":"x"}}; anything else 401. It counts requests per
 * token and keeps the last request's headers.
 */
final class AuthEndpoint implements AutoCloseable
{
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    volatile String lastAuthorization;
    volatile String lastForwardedFor;

    AuthEndpoint() throws IOException
    {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/auth", this::answer);
        server.setExecutor(threads);
        server.start();
    }

    URI url()
    {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/auth");
    }

    /** Requests that carried {@code token}. */
    int requests(final String token)
    {
        final AtomicInteger count = requests.get(token);
        return count == null ? 0 : count.get();
    }

    private void answer(final HttpExchange exchange) throws IOException
    {
        final String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        lastAuthorization = authorization;
        lastForwardedFor = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
        final String token = authorization != null && authorization.startsWith("Bearer ") ?
            authorization.substring(7) : "";
        requests.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
        if (token.startsWith("allow"))
        {
            send(exchange, 200, "");
        }
        else if (token.startsWith("tags-"))
        {
            final String[] tags = token.split("-");
            final StringBuilder body = new StringBuilder("{\"user\":7,\"tags\":[");
            for (int i = 1; i < tags.length - 1; i++)
            {
                body.append(i > 1 ? "," : "").append('"').append(tags[i]).append('"');
            }
            send(exchange, 200, body.append("]}").toString());
        }
        else if (token.startsWith("deny"))
        {
            send(exchange, 403, "no");
        }
        else if (token.startsWith("boom"))
        {
            send(exchange, 500, "oops");
        }
        else if (token.startsWith("slow") || token.startsWith("lazy"))
        {
            pause(token.startsWith("slow") ? 2000 : 300);
            send(exchange, 200, "");
        }
        else if (token.startsWith("bad"))
        {
            send(exchange, 200, "{\"tags\":\"x\"}");
        }
        else
        {
            send(exchange, 401, "");
        }
    }

    private static void pause(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(final HttpExchange exchange, final int status, final String body) throws IOException
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(bytes);
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
        threads.shutdownNow();
    }
}
