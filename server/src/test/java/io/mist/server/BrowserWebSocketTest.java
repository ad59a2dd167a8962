package io.mist.server;

import io.mist.transport.TransportConfig;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * mist README's browser snippet, run in headless Chromium against the HTTP listener's WebSocket endpoint with the
 * snippet's own URL shape ({@code /ws?x-auth-token=token}, a token the server checks). What the snippet's
 * {@code console.log} prints is read from Chromium's log. Skips when no Chromium is installed, except under
 * {@code CI=true}, where it fails instead ({@code .ci/run} installs Chromium).
 */
@Tag("browser")
class BrowserWebSocketTest
{
    private static final int TIMEOUT_S = 30;

    @Test
    void readmeSnippetReceivesAPublishedMessage(@TempDir final Path profile) throws Exception
    {
        final String chromium = requireChromium();
        try (ServerFixture mist = new ServerFixture(new TokenGate("token"),
            new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 1), "tcp://127.0.0.1:0", "http://127.0.0.1:0"))
        {
            // Served over HTTP: Chromium refuses WebSockets from a file:// page.
            final HttpServer pageServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            serve(pageServer, page(mist.uri("http").getPort()));
            final Process browser = startChromium(chromium, profile,
                "http://127.0.0.1:" + pageServer.getAddress().getPort() + "/");
            final BlockingQueue<String> received = watch(browser, RESPONSE);
            try (TestClient publisher = mist.connect())
            {
                publisher.send("{\"command\":\"auth\",\"data\":\"token\"}"); // auth is on: TCP's first message
                assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}", next(received, browser));
                // The list reply shows the subscription is in place before anything is published.
                assertEquals("{\"command\":\"list\",\"data\":\"hello,world\"}", next(received, browser));
                publisher.send("{\"command\":\"publish\",\"tags\":[\"world\",\"hello\"],\"data\":\"hi browser\"}");
                assertEquals("{\"command\":\"publish\",\"tags\":[\"hello\",\"world\"],\"data\":\"hi browser\"}",
                    next(received, browser));
                // The page then runs the snippet's unsubscribe and list.
                assertEquals("{\"command\":\"list\"}", next(received, browser));
            }
            finally
            {
                stop(browser);
                pageServer.stop(0);
            }
        }
    }

    /** A stopping server closes a page's WebSocket with a reason: {@code onclose} sees 1001 and "server stopping". */
    @Test
    void aStoppingServerTellsAPagesWebSocketWhy(@TempDir final Path profile) throws Exception
    {
        final String chromium = requireChromium();
        final ServerFixture mist = new ServerFixture(io.mist.auth.AccessControl.OPEN,
            new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 1), "http://127.0.0.1:0");
        try
        {
            final String html = "<!doctype html><html><body><script>\n" +
                "const log = (o) => console.log('Response! ' + JSON.stringify(o));\n" +
                "const ws = new WebSocket('ws://127.0.0.1:" + mist.uri("http").getPort() + "/subscribe/websocket');\n" +
                "ws.onopen = () => log({ open: true });\n" +
                "ws.onclose = (e) => log({ code: e.code, reason: e.reason, clean: e.wasClean });\n" +
                "</script></body></html>\n";
            final HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            serve(pages, html);
            final Process browser = startChromium(chromium, profile,
                "http://127.0.0.1:" + pages.getAddress().getPort() + "/");
            final BlockingQueue<String> received = watch(browser, RESPONSE);
            try
            {
                assertEquals("{\"open\":true}", next(received, browser));
                mist.close();
                assertEquals("{\"code\":1001,\"reason\":\"server stopping\",\"clean\":true}",
                    next(received, browser));
            }
            finally
            {
                stop(browser);
                pages.stop(0);
            }
        }
        finally
        {
            mist.close();
        }
    }

    /**
     * {@code fetch()} of {@code POST /publish} with a JSON body from a page of an origin {@code --allowed-origins}
     * lists (CORS preflight, then the publish, its status readable), and from one it does not list, in an iframe:
     * the preflight is refused, and a form post without CORS (a CSRF attempt) is refused too and publishes nothing.
     */
    @Test
    void crossOriginFetchPublishesFromAllowedOriginsOnly(@TempDir final Path profile) throws Exception
    {
        final String chromium = requireChromium();
        final HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        final HttpServer allowed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        final String allowedOrigin = "http://127.0.0.1:" + allowed.getAddress().getPort();
        try (ServerFixture mist = new ServerFixture(io.mist.auth.AccessControl.OPEN,
            new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 1, List.of(allowedOrigin)), "tcp://127.0.0.1:0",
            "http://127.0.0.1:0"); TestClient subscriber = mist.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"cors\"]}").sync();
            final String publish = "http://127.0.0.1:" + mist.uri("http").getPort() + "/publish";
            serve(other, "<!doctype html><html><body><script>\n" +
                "fetch('" + publish + "', {method: 'POST', headers: {'Content-Type': 'application/json'},\n" +
                "    body: JSON.stringify({tags: ['cors'], data: 'from another origin'})})\n" +
                "  .then(r => console.log('Response! {\"other\":' + r.status + '}'))\n" +
                "  .catch(e => console.log('Response! {\"other\":\"refused\"}'))\n" +
                "  .then(() => fetch('" + publish + "', {method: 'POST', mode: 'no-cors',\n" +
                "    body: new URLSearchParams({tags: 'cors', data: 'csrf'})}))\n" +
                "  .then(() => console.log('Response! {\"csrf\":\"sent\"}'))\n" +
                "</script></body></html>\n");
            serve(allowed, "<!doctype html><html><body><script>\n" +
                "fetch('" + publish + "', {method: 'POST', headers: {'Content-Type': 'application/json'},\n" +
                "    body: JSON.stringify({tags: ['cors'], data: 'from the allowed origin'})})\n" +
                "  .then(r => console.log('Response! {\"allowed\":' + r.status + '}'))\n" +
                "  .catch(e => console.log('Response! {\"allowed\":\"refused\"}'))\n" +
                "  .then(() => { const f = document.createElement('iframe');\n" +
                "    f.src = 'http://127.0.0.1:" + other.getAddress().getPort() + "/'; document.body.appendChild(f); })\n" +
                "</script></body></html>\n");
            final Process browser = startChromium(chromium, profile, allowedOrigin + "/");
            final BlockingQueue<String> received = watch(browser, RESPONSE);
            try
            {
                final java.util.Set<String> results = new java.util.TreeSet<>();
                while (results.size() < 3)
                {
                    results.add(next(received, browser));
                }
                assertEquals(java.util.Set.of("{\"allowed\":202}", "{\"other\":\"refused\"}",
                    "{\"csrf\":\"sent\"}"), results);
                subscriber.expect("{\"command\":\"publish\",\"tags\":[\"cors\"],\"data\":\"from the allowed origin\"}");
                subscriber.expectSilenceFor(300); // neither the refused fetch nor the form post published
            }
            finally
            {
                stop(browser);
            }
        }
        finally
        {
            other.stop(0);
            allowed.stop(0);
        }
    }

    /**
     * The JavaScript client (clients/js) in a page, as a browser loads it: an ES module served beside the page,
     * connecting with a token, subscribing with a handler and an async iterator, answering a ping, publishing.
     */
    @Test
    void theJavaScriptClientWorksInAPage(@TempDir final Path profile) throws Exception
    {
        final String chromium = requireChromium();
        final byte[] module = java.nio.file.Files.readAllBytes(Path.of("..", "clients", "js", "src", "index.js"));
        try (ServerFixture mist = new ServerFixture(new TokenGate("token"),
            new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 1), "tcp://127.0.0.1:0", "http://127.0.0.1:0"))
        {
            final String ws = "ws://127.0.0.1:" + mist.uri("http").getPort() + "/subscribe/websocket";
            final String html = "<!doctype html><html><body><script type=\"module\">\n" +
                "import { connect } from './mist-client.js';\n" +
                "const log = (o) => console.log('Response! ' + JSON.stringify(o));\n" +
                "const client = await connect('" + ws + "', { token: 'token' });\n" +
                "log({ ping: await client.ping() });\n" +
                "await client.subscribe(['hello'], (m) => log({ handler: m.data }));\n" +
                "log({ subscribed: await client.list() });\n" +
                "for await (const m of client.messages()) {\n" +
                "  log({ iterator: m.data, tags: m.tags });\n" +
                "  client.publish(['reply'], 'from the page');\n" +
                "  break;\n" +
                "}\n" +
                "</script></body></html>\n";
            final HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            serve(pages, html, module);
            final Process browser = startChromium(chromium, profile,
                "http://127.0.0.1:" + pages.getAddress().getPort() + "/");
            final BlockingQueue<String> received = watch(browser, RESPONSE);
            try (TestClient peer = mist.connect())
            {
                peer.send("{\"command\":\"auth\",\"data\":\"token\"}");
                peer.send("{\"command\":\"subscribe\",\"tags\":[\"reply\"]}").sync();
                assertEquals("{\"ping\":\"pong\"}", next(received, browser));
                assertEquals("{\"subscribed\":\"hello\"}", next(received, browser));
                peer.send("{\"command\":\"publish\",\"tags\":[\"hello\",\"x\"],\"data\":\"hi page\"}");
                assertEquals("{\"handler\":\"hi page\"}", next(received, browser));
                assertEquals("{\"iterator\":\"hi page\",\"tags\":[\"hello\",\"x\"]}", next(received, browser));
                peer.expect("{\"command\":\"publish\",\"tags\":[\"reply\"],\"data\":\"from the page\"}");
            }
            finally
            {
                stop(browser);
                pages.stop(0);
            }
        }
    }

    /**
     * The dashboard in a page of its own listener, behind --allowed-origins (its own origin is allowed): its charts
     * take up traffic, and its console, prepared by a link, subscribes and publishes to a TCP subscriber.
     */
    @Test
    void theDashboardShowsTrafficAndItsConsolePublishes(@TempDir final Path profile) throws Exception
    {
        final String chromium = requireChromium();
        try (ServerFixture mist = new ServerFixture(io.mist.auth.AccessControl.OPEN,
            new TransportConfig(TransportConfig.DEFAULT_MAX_FRAME_SIZE, 1, List.of("https://elsewhere.example")),
            "tcp://127.0.0.1:0", "http://127.0.0.1:0"); TestClient subscriber = mist.connect();
            TestClient publisher = mist.connect(); TestClient busy = mist.connect())
        {
            subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"hello\"]}").sync();
            busy.send("{\"command\":\"subscribe\",\"tags\":[\"load\"]}").sync();
            final Process browser = startChromium(chromium, profile, "http://127.0.0.1:" + mist.uri("http").getPort() +
                "/dashboard?tags=hello&publish=from%20the%20dashboard");
            final BlockingQueue<String> lines = watch(browser, DASHBOARD);
            try
            {
                subscriber.expect("{\"command\":\"publish\",\"tags\":[\"hello\"],\"data\":\"from the dashboard\"}");
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
                boolean moved = false;
                while (!moved && System.nanoTime() < deadline)
                {
                    for (int i = 0; i < 200; i++)
                    {
                        publisher.send("{\"command\":\"publish\",\"tags\":[\"load\"],\"data\":\"x\"}");
                    }
                    for (int i = 0; i < 200; i++)
                    {
                        busy.read();
                    }
                    final String line = lines.poll(1, TimeUnit.SECONDS);
                    moved = line != null && line.startsWith("{\"delivered\":") && !line.startsWith("{\"delivered\":0,");
                }
                org.junit.jupiter.api.Assertions.assertTrue(moved, "the dashboard's delivery rate rose with traffic");
            }
            finally
            {
                stop(browser);
            }
        }
    }

    private static void serve(final HttpServer server, final String page)
    {
        serve(server, page, null);
    }

    /** Serves {@code page} at every path, and {@code module} (when given) at {@code /mist-client.js}. */
    private static void serve(final HttpServer server, final String page, final byte[] module)
    {
        final byte[] html = page.getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange ->
        {
            final boolean js = module != null && exchange.getRequestURI().getPath().endsWith("/mist-client.js");
            final byte[] body = js ? module : html;
            exchange.getResponseHeaders().set("Content-Type", js ? "text/javascript; charset=utf-8" :
                "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
        server.start();
    }

    private static String requireChromium()
    {
        final String chromium = findChromium();
        if (chromium == null)
        {
            final String why = "no Chromium found (set MIST_CHROMIUM, or install the Debian package 'chromium')";
            if ("true".equals(System.getenv("CI")))
            {
                fail(why + "; under CI=true the browser test must run");
            }
            Assumptions.abort(why + "; skipping the browser test");
        }
        return chromium;
    }

    /**
     * What the pages print with {@code console.log("Response!", ...)}: one JSON object per message, in order. A
     * message ending in a newline (the server's) ends the log line; others are followed by their source.
     */
    private static final Pattern RESPONSE = Pattern.compile("\"Response! (\\{.*\\})(\", source: .*)?$");
    /** What the dashboard logs ({@code console.info("mist-dashboard ...")}). */
    private static final Pattern DASHBOARD = Pattern.compile("\"mist-dashboard (.*)\", source: ");

    /**
     * Collects, on a thread of its own, the first group of each line of Chromium's log (its standard error,
     * {@code --enable-logging=stderr}) that {@code pattern} finds, in order.
     */
    private static BlockingQueue<String> watch(final Process browser, final Pattern pattern)
    {
        final BlockingQueue<String> found = new LinkedBlockingQueue<>();
        final Thread console = new Thread(() ->
        {
            try (BufferedReader log = new BufferedReader(new InputStreamReader(browser.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                for (String line = log.readLine(); line != null; line = log.readLine())
                {
                    if (System.getenv("MIST_DEBUG_BROWSER") != null)
                    {
                        System.err.println("chromium: " + line);
                    }
                    final Matcher matcher = pattern.matcher(line);
                    if (matcher.find())
                    {
                        found.add(matcher.group(1));
                    }
                }
            }
            catch (final IOException ex)
            {
                found.add("console read failed: " + ex);
            }
        }, "chromium-console");
        console.setDaemon(true);
        console.start();
        return found;
    }

    /**
     * The README's snippet, URL host and port adapted. Its sends run once the socket is open: typed into a console
     * one by one they would, but run in one go as printed, any browser throws InvalidStateError on the first send.
     * After the first delivery the page runs the snippet's last two sends.
     */
    private static String page(final int port)
    {
        return "<!doctype html><html><body><script>\n" +
            "  // connect the websocket\n" +
            "  var ws = new WebSocket(\"ws://localhost:" + port + "/ws?x-auth-token=token\")\n" +
            "  // handle responses from the server\n" +
            "  ws.onmessage = function(me){\n" +
            "    console.log(\"Response!\", me.data)\n" +
            "  }\n" +
            "  ws.onopen = function() {\n" +
            "    // ping\n" +
            "    ws.send(JSON.stringify({\"command\": \"ping\"}))\n" +
            "    // subscribe\n" +
            "    ws.send(JSON.stringify({\"command\": \"subscribe\", \"tags\": [\"hello\", \"world\"]}))\n" +
            "    // list\n" +
            "    ws.send(JSON.stringify({\"command\": \"list\"}))\n" +
            "  }\n" +
            "  ws.addEventListener(\"message\", function(me){\n" +
            "    if (JSON.parse(me.data).command === \"publish\") {\n" +
            "      // unsubscribe\n" +
            "      ws.send(JSON.stringify({\"command\": \"unsubscribe\", \"tags\": [\"hello\", \"world\"]}))\n" +
            "      // list\n" +
            "      ws.send(JSON.stringify({\"command\": \"list\"}))\n" +
            "    }\n" +
            "  })\n" +
            "  ws.onerror = function(){ console.log(\"Response! {\\\"websocket\\\":\\\"error\\\"}\") }\n" +
            "</script></body></html>\n";
    }

    private static String next(final BlockingQueue<String> received, final Process browser)
        throws InterruptedException
    {
        final String message = received.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(message, "the page reported nothing within " + TIMEOUT_S + " s (Chromium " +
            (browser.isAlive() ? "running" : "exited with " + browser.exitValue()) + ")");
        return message;
    }

    private static Process startChromium(final String chromium, final Path profile, final String url)
        throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update",
            "--disable-sync", "--enable-logging=stderr", "--v=0",
            "--user-data-dir=" + profile.resolve("profile").toAbsolutePath(), url));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * Kills Chromium and every process it started, and waits for them: a renderer left running would still write
     * into the profile directory while JUnit deletes it.
     */
    private static void stop(final Process browser) throws Exception
    {
        final List<ProcessHandle> all = new ArrayList<>(browser.descendants().toList());
        browser.destroyForcibly();
        for (final ProcessHandle process : all)
        {
            process.destroyForcibly();
        }
        browser.waitFor(10, TimeUnit.SECONDS);
        for (final ProcessHandle process : all)
        {
            process.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    private static String findChromium()
    {
        final String configured = System.getenv("MIST_CHROMIUM");
        if (configured != null && !configured.isEmpty())
        {
            return new File(configured).canExecute() ? configured : null;
        }
        for (final String candidate : new String[] { "/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome" })
        {
            if (new File(candidate).canExecute())
            {
                return candidate;
            }
        }
        return null;
    }
}
