package io.mist.server;

import io.mist.engine.EngineConfig;
import io.mist.auth.AccessControl;
import io.mist.transport.TransportConfig;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS on every TLS scheme: handshakes that trust only the server's certificate, generated or given as PEM. */
class TlsListenersTest
{
    @Test
    void generatedCertificateServesTlsHttpsAndWss() throws Exception
    {
        try (ServerFixture fixture = new ServerFixture(AccessControl.OPEN, "tls://127.0.0.1:0", "https://127.0.0.1:0",
            "wss://127.0.0.1:0"))
        {
            final X509Certificate certificate = fixture.server.tlsMaterial().certificate();
            assertTrue(fixture.server.tlsMaterial().generated());
            exerciseAll(fixture, trusting(certificate));
        }
    }

    @Test
    void clientCommandsReachTlsListenersAndSayWhenTheySpeakTheWrongProtocol(@TempDir final Path dir) throws Exception
    {
        try (ServerFixture fixture = new ServerFixture(AccessControl.OPEN, "tls://127.0.0.1:0", "tcp://127.0.0.1:0"))
        {
            final String tls = "127.0.0.1:" + fixture.uri("tls").getPort();
            final String plain = "127.0.0.1:" + fixture.uri("tcp").getPort();
            writePem(dir.resolve("server.pem"), fixture.server.tlsMaterial().certificate());

            assertEquals(new ClientCommandsTest.Run(0, "pong\n", ""),
                ClientCommandsTest.mist("ping", "--host", tls, "--tls-ca", dir.resolve("server.pem").toString()));
            assertEquals(new ClientCommandsTest.Run(0, "pong\n", ""),
                ClientCommandsTest.mist("ping", "--host", tls, "--tls-insecure"));
            final ClientCommandsTest.Run untrusted = ClientCommandsTest.mist("ping", "--host", tls, "--tls");
            assertEquals(3, untrusted.code(), untrusted.toString());
            assertTrue(untrusted.err().startsWith("Error: TLS handshake with 127.0.0.1:" +
                fixture.uri("tls").getPort() + " failed - the server's certificate is not trusted"), untrusted.err());
            // The certificate is the server's, but does not name the host connected to.
            final ClientCommandsTest.Run wrongName = ClientCommandsTest.mist("ping", "--host",
                "127.0.0.2:" + fixture.uri("tls").getPort(), "--tls-ca", dir.resolve("server.pem").toString());
            assertEquals(3, wrongName.code(), wrongName.toString());

            final ClientCommandsTest.Run plainAtTls = ClientCommandsTest.mist("ping", "--host", tls);
            assertEquals(new ClientCommandsTest.Run(1, "", "Error: the server refused the connection: this port " +
                "speaks TLS - connect with TLS (mist ping --tls, openssl s_client)\n"), plainAtTls);
            final ClientCommandsTest.Run tlsAtPlain = ClientCommandsTest.mist("ping", "--host", plain, "--tls-insecure");
            assertEquals(3, tlsAtPlain.code(), tlsAtPlain.toString());
            assertTrue(tlsAtPlain.err().contains("is it a plain tcp:// listener?"), tlsAtPlain.err());
        }
    }

    @Test
    void pemCertificateWithAPkcs1RsaKey(@TempDir final Path dir) throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair keys = generator.generateKeyPair();
        final X509Certificate certificate = certificate(keys, "SHA256withRSA");
        writePem(dir.resolve("cert.pem"), certificate);
        writePem(dir.resolve("key.pem"), keys.getPrivate()); // "BEGIN RSA PRIVATE KEY", as openssl genrsa -traditional
        assertTrue(Files.readString(dir.resolve("key.pem")).contains("BEGIN RSA PRIVATE KEY"));
        servesWith(dir, certificate);
    }

    @Test
    void pemCertificateWithAPkcs8EcKey(@TempDir final Path dir) throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        final KeyPair keys = generator.generateKeyPair();
        final X509Certificate certificate = certificate(keys, "SHA256withECDSA");
        writePem(dir.resolve("cert.pem"), certificate);
        writePem(dir.resolve("key.pem"), new JcaPKCS8Generator(keys.getPrivate(), null)); // "BEGIN PRIVATE KEY"
        assertTrue(Files.readString(dir.resolve("key.pem")).contains("BEGIN PRIVATE KEY"));
        servesWith(dir, certificate);
    }

    @Test
    void aKeyOfAnotherCertificateOrAnExpiredCertificateRefusesToStart(@TempDir final Path dir) throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair keys = generator.generateKeyPair();
        writePem(dir.resolve("cert.pem"), certificate(keys, "SHA256withRSA"));
        writePem(dir.resolve("key.pem"), generator.generateKeyPair().getPrivate());
        assertEquals("One or more servers failed to start - TLS: --tls-key " + dir.resolve("key.pem") +
            " does not belong to --tls-cert " + dir.resolve("cert.pem") + " (the certificate's public key is not " +
            "the key's; give the key the certificate was issued for)", refusal(dir));

        final KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        writePem(dir.resolve("key.pem"), new JcaPKCS8Generator(ec.generateKeyPair().getPrivate(), null));
        assertTrue(refusal(dir).contains(" does not belong to --tls-cert "), "an EC key with an RSA certificate");

        writePem(dir.resolve("cert.pem"), certificate(keys, "SHA256withRSA", Instant.parse("2020-01-01T00:00:00Z"),
            Instant.parse("2021-01-01T00:00:00Z")));
        writePem(dir.resolve("key.pem"), keys.getPrivate());
        assertEquals("One or more servers failed to start - TLS: --tls-cert " + dir.resolve("cert.pem") +
            ": the certificate expired on 2021-01-01T00:00:00Z", refusal(dir));
    }

    private static String refusal(final Path dir)
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tls://127.0.0.1:0")), LogLevel.INFO,
            EngineConfig.defaults(), TransportConfig.defaults(), dir.resolve("cert.pem"), dir.resolve("key.pem"));
        return assertThrows(StartupException.class, () -> new MistServer(config).start()).getMessage();
    }

    static X509Certificate certificate(final KeyPair keys, final String signature) throws Exception
    {
        return certificate(keys, signature, Instant.now().minus(Duration.ofDays(1)),
            Instant.now().plus(Duration.ofDays(1)));
    }

    private static X509Certificate certificate(final KeyPair keys, final String signature, final Instant from,
        final Instant until) throws Exception
    {
        final X500Name name = new X500Name("CN=test.mist");
        return new JcaX509CertificateConverter().getCertificate(
            new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(from), Date.from(until), name,
                keys.getPublic())
                .addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")))
                .build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())));
    }

    private static void servesWith(final Path dir, final X509Certificate certificate) throws Exception
    {
        final ServerConfig config = new ServerConfig(List.of(ListenerUri.parse("tls://127.0.0.1:0"),
            ListenerUri.parse("https://127.0.0.1:0"), ListenerUri.parse("wss://127.0.0.1:0")),
            LogLevel.INFO, EngineConfig.defaults(), TransportConfig.defaults(), dir.resolve("cert.pem"),
            dir.resolve("key.pem"));
        try (ServerFixture fixture = new ServerFixture(new MistServer(config).start()))
        {
            assertEquals(certificate, fixture.server.tlsMaterial().certificate());
            assertTrue(!fixture.server.tlsMaterial().generated());
            exerciseAll(fixture, trusting(certificate));
        }
    }

    @Test
    void certificateAndKeyGoTogether(@TempDir final Path dir) throws Exception
    {
        final Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        final IllegalArgumentException alone = assertThrows(IllegalArgumentException.class, () -> new ServerConfig(
            List.of(ListenerUri.parse("tls://127.0.0.1:0")), LogLevel.INFO, EngineConfig.defaults(),
            TransportConfig.defaults(), cert, null));
        assertTrue(alone.getMessage().contains("--tls-cert and --tls-key go together"), alone.getMessage());
        final ServerConfig garbage = new ServerConfig(List.of(ListenerUri.parse("tls://127.0.0.1:0")), LogLevel.INFO,
            EngineConfig.defaults(), TransportConfig.defaults(), cert, cert);
        final StartupException refused = assertThrows(StartupException.class, () -> new MistServer(garbage).start());
        assertTrue(refused.getMessage().contains("--tls-cert " + cert), refused.getMessage());
    }

    private static void exerciseAll(final ServerFixture fixture, final SSLContext trust) throws Exception
    {
        // tls:// — mist's JSON protocol over TLS.
        final URI tls = fixture.uri("tls");
        try (SSLSocket socket = (SSLSocket)trust.getSocketFactory().createSocket("127.0.0.1", tls.getPort()))
        {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("{\"command\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.UTF_8));
            assertEquals("{\"command\":\"ping\",\"data\":\"pong\"}", in.readLine());
        }
        // https://
        final HttpClient http = HttpClient.newBuilder().sslContext(trust).build();
        final HttpResponse<String> pong = http.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + fixture.uri("https").getPort() + "/ping")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, pong.statusCode());
        assertEquals("pong\n", pong.body());
        // wss://
        try (WsTestClient ws = WsTestClient.connect(http, URI.create("wss://127.0.0.1:" +
            fixture.uri("wss").getPort() + "/subscribe/websocket"), Map.of()))
        {
            ws.sync();
        }
        // An untrusting client is refused by the handshake.
        final HttpClient untrusting = HttpClient.newHttpClient();
        assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> untrusting.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + fixture.uri("https").getPort() + "/ping")).build(),
            HttpResponse.BodyHandlers.ofString()));
    }

    private static SSLContext trusting(final X509Certificate certificate) throws Exception
    {
        final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("mist", certificate);
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    static void writePem(final Path file, final Object object) throws Exception
    {
        try (Writer writer = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(writer))
        {
            pem.writeObject(object);
        }
    }
}
