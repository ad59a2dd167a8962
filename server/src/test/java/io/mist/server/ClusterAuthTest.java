package io.mist.server;

import io.mist.cluster.ClusterOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NATS that asks for credentials: user and password, or a token, in the {@code --cluster} URL; a wrong one stops the
 * node from starting with an error that does not show the secret. Real nats-server processes.
 */
class ClusterAuthTest
{
    private static MistServer node(final String url)
    {
        return new MistServer(ServerConfig.withListeners("tcp://127.0.0.1:0")
            .withCluster(new ClusterOptions(List.of(url), "auth")));
    }

    @Test
    void userAndPasswordOrTokenInTheUrl() throws Exception
    {
        try (NatsServerProcess nats = NatsServerProcess.launch("--user", "mist", "--pass", "s3cret"))
        {
            final String base = "127.0.0.1:" + nats.port();
            try (ServerFixture a = new ServerFixture(node("nats://mist:s3cret@" + base).start()))
            {
                assertTrue(a.server.cluster().connected());
            }
            final StartupException refused = assertThrows(StartupException.class,
                () -> node("nats://mist:wrong-pw@" + base).start());
            assertTrue(refused.getMessage().startsWith("Failed to join the cluster (--cluster nats://***@" + base +
                ")"), refused.getMessage());
            assertFalse(refused.getMessage().contains("wrong-pw"), "the password stays out of the message");
        }
        try (NatsServerProcess nats = NatsServerProcess.launch("--auth", "t0ken");
            ServerFixture a = new ServerFixture(node("nats://t0ken@127.0.0.1:" + nats.port()).start()))
        {
            assertTrue(a.server.cluster().connected());
        }
    }

    @Test
    void tlsWithTheCertificatesToTrust(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) throws Exception
    {
        final java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final java.security.KeyPair keys = generator.generateKeyPair();
        final java.security.cert.X509Certificate certificate = TlsListenersTest.certificate(keys, "SHA256withRSA");
        TlsListenersTest.writePem(dir.resolve("nats.pem"), certificate);
        TlsListenersTest.writePem(dir.resolve("nats.key"), keys.getPrivate());
        try (NatsServerProcess nats = NatsServerProcess.launch("--tls", "--tlscert", dir.resolve("nats.pem")
            .toString(), "--tlskey", dir.resolve("nats.key").toString()))
        {
            final String url = "tls://127.0.0.1:" + nats.port();
            try (ServerFixture a = new ServerFixture(new MistServer(ServerConfig.withListeners("tcp://127.0.0.1:0")
                .withCluster(new ClusterOptions(List.of(url), "tls", null, dir.resolve("nats.pem")))).start()))
            {
                assertTrue(a.server.cluster().connected());
            }
            // Without the certificate to trust, the JVM's CAs do not know it: refused.
            assertThrows(StartupException.class, () -> node(url).start());
        }
    }
}
