package io.mist.server;

import io.mist.cluster.ClusterOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NATS that asks for credentials: user and password, or a token, in the {@code --cluster} URL, or a NATS credentials
 * file ({@code --cluster-credentials}, operator mode); a wrong one stops the node from starting with an error that
 * does not show the secret. Real nats-server processes.
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

    /**
     * Operator mode, as NATS deployments with nsc run: an operator, an account it signs and a user the account signs,
     * the user's JWT and seed in a {@code .creds} file. A node with that file joins, and delivers across nodes; one
     * with the file of a user signed by an account the server does not know is refused at start.
     */
    @Test
    void credentialsFileInOperatorMode(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) throws Exception
    {
        final java.security.SecureRandom random = new java.security.SecureRandom();
        final io.nats.client.NKey operator = io.nats.client.NKey.createOperator(random);
        final io.nats.client.NKey account = io.nats.client.NKey.createAccount(random);
        final String operatorKey = new String(operator.getPublicKey());
        final String accountKey = new String(account.getPublicKey());
        final String operatorJwt = io.nats.client.support.JwtUtils.issueJWT(operator, operatorKey, "mist-test", null,
            io.nats.client.support.JwtUtils.currentTimeSeconds(), operatorKey,
            () -> "{\"type\":\"operator\",\"version\":2}");
        final String accountJwt = io.nats.client.support.JwtUtils.issueJWT(operator, accountKey, "mist", null,
            io.nats.client.support.JwtUtils.currentTimeSeconds(), operatorKey,
            () -> "{\"type\":\"account\",\"version\":2,\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1," +
                "\"imports\":-1,\"exports\":-1,\"wildcards\":true,\"conn\":-1,\"leaf\":-1}}");
        java.nio.file.Files.writeString(dir.resolve("operator.jwt"), operatorJwt);
        java.nio.file.Files.writeString(dir.resolve("nats.conf"), "operator: \"" + dir.resolve("operator.jwt") +
            "\"\nresolver: MEMORY\nresolver_preload: {\n  " + accountKey + ": \"" + accountJwt + "\"\n}\n");
        final java.nio.file.Path creds = writeCreds(dir.resolve("mist.creds"), account, random);
        final java.nio.file.Path stranger = writeCreds(dir.resolve("stranger.creds"),
            io.nats.client.NKey.createAccount(random), random);
        try (NatsServerProcess nats = NatsServerProcess.launch("-c", dir.resolve("nats.conf").toString()))
        {
            final List<String> url = List.of(nats.url());
            try (ServerFixture a = new ServerFixture(new MistServer(ServerConfig.withListeners("tcp://127.0.0.1:0")
                .withCluster(new ClusterOptions(url, "creds", creds, null))).start());
                ServerFixture b = new ServerFixture(new MistServer(ServerConfig.withListeners("tcp://127.0.0.1:0")
                    .withCluster(new ClusterOptions(url, "creds", creds, null))).start());
                TestClient subscriber = b.connect();
                TestClient publisher = a.connect())
            {
                assertTrue(a.server.cluster().connected());
                subscriber.send("{\"command\":\"subscribe\",\"tags\":[\"creds\"]}").sync();
                final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
                while (a.server.cluster().counters().remoteInterest.get() != 1)
                {
                    assertTrue(System.nanoTime() < deadline, "A never learned B's interest over NATS");
                    Thread.sleep(10);
                }
                publisher.send("{\"command\":\"publish\",\"tags\":[\"creds\"],\"data\":\"signed\"}");
                subscriber.expect("{\"command\":\"publish\",\"tags\":[\"creds\"],\"data\":\"signed\"}");
            }
            final StartupException refused = assertThrows(StartupException.class, () -> new MistServer(
                ServerConfig.withListeners("tcp://127.0.0.1:0")
                    .withCluster(new ClusterOptions(url, "creds", stranger, null))).start());
            assertTrue(refused.getMessage().startsWith("Failed to join the cluster"), refused.getMessage());
        }
    }

    /** A user of {@code account}, as nsc writes it: the user's JWT (signed by the account) and its seed. */
    private static java.nio.file.Path writeCreds(final java.nio.file.Path file, final io.nats.client.NKey account,
        final java.security.SecureRandom random) throws Exception
    {
        final io.nats.client.NKey user = io.nats.client.NKey.createUser(random);
        final String jwt = io.nats.client.support.JwtUtils.issueUserJWT(account, new String(account.getPublicKey()),
            new String(user.getPublicKey()));
        java.nio.file.Files.writeString(file, String.format(io.nats.client.support.JwtUtils.NATS_USER_JWT_FORMAT, jwt,
            new String(user.getSeed())));
        return file;
    }
}
