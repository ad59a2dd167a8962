package io.mist.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGHUP to the real process: the configuration is read again, what can change while running is applied (log level,
 * limits, allowed origins, the TLS certificate for new handshakes), what cannot is named in the one log line, and a
 * file that no longer parses changes nothing.
 */
class ReloadTest
{
    @Test
    void sighupAppliesWhatItCanAndNamesWhatNeedsARestart(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("mist.yaml");
        Files.writeString(file, "listeners: [tcp://127.0.0.1:0, http://127.0.0.1:0]\nmax-tags: 5\n" +
            "allowed-origins: [https://a.example]\n");
        try (ServerProcess mist = ServerProcess.start("--server", "--config", file.toString()))
        {
            final int tcp = mist.awaitPort("TCP");
            final int http = mist.awaitPort("HTTP");
            assertEquals(101, upgrade(http, "https://a.example"));
            Files.writeString(file, "listeners: [tcp://127.0.0.1:0, http://127.0.0.1:0]\nmax-tags: 2\n" +
                "allowed-origins: [https://b.example]\nlog-level: debug\nring-size: 2048\nmsgbus-ttl: 30s\n" +
                "read-size: 1m\nmatcher-cpu: 0\n");
            assertTrue(!mist.log().contains("SIGHUP was ignored"), mist.log()); // started as a service would be
            mist.signal("HUP");
            final String line = mist.awaitLine("Reloaded the configuration (SIGHUP)");
            assertTrue(line.endsWith("Reloaded the configuration (SIGHUP): applied log INFO/TEXT -> DEBUG/TEXT; " +
                "limits (--max-tags 2, --max-tag-length 1024, --max-subscriptions 10000); --allowed-origins " +
                "https://b.example; needs a restart to change: --msgbus-queue-size/--msgbus-ttl/--msgbus-max-bytes/" +
                "--msgbus-max-topics, --ring-size, --matcher-cpu/--io-cpus, --tcp-nodelay/--socket-send-buffer/" +
                "--socket-receive-buffer/--write-batch-size/--read-size"), line);
            try (TestClient client = new TestClient(new InetSocketAddress("127.0.0.1", tcp)))
            {
                client.send("{\"command\":\"publish\",\"tags\":[\"a\",\"b\",\"c\"],\"data\":\"x\"}");
                assertEquals("{\"command\":\"publish\",\"error\":\"Too many tags - 3, the limit is 2 (--max-tags)\"}",
                    client.read());
            }
            assertEquals(403, upgrade(http, "https://a.example"));
            assertEquals(101, upgrade(http, "https://b.example"));

            Files.writeString(file, "max-tags: lots\n");
            mist.signal("HUP");
            assertTrue(mist.awaitLine("Reload (SIGHUP) refused").contains("--max-tags"));
        }
    }

    @Test
    void sighupServesANewCertificateToNewHandshakes(@TempDir final Path dir) throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair first = generator.generateKeyPair();
        final X509Certificate before = TlsListenersTest.certificate(first, "SHA256withRSA");
        TlsListenersTest.writePem(dir.resolve("cert.pem"), before);
        TlsListenersTest.writePem(dir.resolve("key.pem"), first.getPrivate());
        try (ServerProcess mist = ServerProcess.start("--server", "--listeners", "tls://127.0.0.1:0", "--tls-cert",
            dir.resolve("cert.pem").toString(), "--tls-key", dir.resolve("key.pem").toString()))
        {
            final int port = mist.awaitPort("TLS");
            assertEquals(before, served(port));
            final KeyPair second = generator.generateKeyPair();
            final X509Certificate after = TlsListenersTest.certificate(second, "SHA256withRSA");
            TlsListenersTest.writePem(dir.resolve("cert.pem"), after); // renewed in place, as certbot does
            TlsListenersTest.writePem(dir.resolve("key.pem"), second.getPrivate());
            mist.signal("HUP");
            assertTrue(mist.awaitLine("Reloaded the configuration (SIGHUP)").contains("applied TLS certificate"));
            assertEquals(after, served(port));
        }
    }

    /**
     * A process started with SIGHUP ignored (nohup does that) cannot take it back, as the JVM leaves it ignored: the
     * server says so at start, rather than let a later kill -HUP do nothing in silence, and a SIGHUP changes nothing.
     */
    @Test
    void startedUnderNohupItSaysItCannotReload() throws Exception
    {
        try (ServerProcess mist = ServerProcess.startUnder(java.util.List.of("nohup"), java.util.List.of(), "--server",
            "--listeners", "tcp://127.0.0.1:0"))
        {
            final int tcp = mist.awaitPort("TCP");
            assertTrue(mist.awaitLine("SIGHUP was ignored when this process started").contains(
                "kill -HUP cannot reload the configuration"));
            mist.signal("HUP");
            try (TestClient client = new TestClient(new InetSocketAddress("127.0.0.1", tcp)))
            {
                client.sync(); // still serving
            }
            assertTrue(!mist.log().contains("Reloaded") && !mist.log().contains("Shutting down"), mist.log());
        }
    }

    /** The status of a WebSocket upgrade from a browser page of {@code origin}. */
    private static int upgrade(final int port, final String origin) throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            socket.getOutputStream().write(("GET /subscribe/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                "Sec-WebSocket-Version: 13\r\nOrigin: " + origin + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    /** The certificate a new TLS handshake is served. */
    private static X509Certificate served(final int port) throws Exception
    {
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager()
        {
            @Override
            public void checkClientTrusted(final X509Certificate[] chain, final String type)
            {
            }

            @Override
            public void checkServerTrusted(final X509Certificate[] chain, final String type)
            {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers()
            {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket)context.getSocketFactory().createSocket("127.0.0.1", port))
        {
            socket.startHandshake();
            return (X509Certificate)socket.getSession().getPeerCertificates()[0];
        }
    }
}
