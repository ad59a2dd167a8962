package io.mist.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How a {@link MistClient} connects: token, timeouts, reconnection, and where deliveries go. A mutable builder used
 * before {@link MistClient#connect}; not shared between threads.
 */
public final class ClientOptions
{
    String token;
    Duration connectTimeout = Duration.ofSeconds(5);
    Duration replyTimeout = Duration.ofSeconds(10);
    boolean reconnect;
    Duration reconnectDelay = Duration.ofMillis(200);
    Duration maxReconnectDelay = Duration.ofSeconds(5);
    Consumer<Message> listener;
    Consumer<Throwable> errorListener = error -> { };
    boolean tls;
    Path trustedCertificates;
    boolean insecure;

    public static ClientOptions defaults()
    {
        return new ClientOptions();
    }

    /** Sent as {@code {"command":"auth","data":token}} first on every connection. */
    public ClientOptions token(final String token)
    {
        this.token = token;
        return this;
    }

    public ClientOptions connectTimeout(final Duration timeout)
    {
        this.connectTimeout = timeout;
        return this;
    }

    /** How long a command's future waits for the server before failing with a timeout. */
    public ClientOptions replyTimeout(final Duration timeout)
    {
        this.replyTimeout = timeout;
        return this;
    }

    /**
     * Reconnect when the connection drops (after {@code delay}, doubling up to 5 s), authenticate again and
     * re-subscribe to every subscription this client holds.
     */
    public ClientOptions reconnect(final boolean enabled)
    {
        this.reconnect = enabled;
        return this;
    }

    public ClientOptions reconnectDelay(final Duration delay)
    {
        this.reconnectDelay = delay;
        return this;
    }

    /**
     * Deliveries go to {@code listener}, called on the client's IO thread (keep it short); without one they queue
     * in {@link MistClient#messages()}.
     */
    public ClientOptions listener(final Consumer<Message> listener)
    {
        this.listener = listener;
        return this;
    }

    /** Told about errors that belong to no command: a refused publish, a lost connection, a failed reconnect. */
    public ClientOptions errorListener(final Consumer<Throwable> listener)
    {
        this.errorListener = listener;
        return this;
    }

    /**
     * Connects over TLS (mist's {@code tls://} listener). The server's certificate must be trusted (by the JVM's CA
     * certificates, or {@link #trustCertificates}) and name the host connected to, unless {@link #insecure} is set.
     */
    public ClientOptions tls(final boolean enabled)
    {
        this.tls = enabled;
        return this;
    }

    /** Trusts the certificates in {@code pemFile} (a CA, or the server's own self-signed one); implies {@link #tls}. */
    public ClientOptions trustCertificates(final Path pemFile)
    {
        this.trustedCertificates = pemFile;
        this.tls = pemFile != null || tls;
        return this;
    }

    /**
     * Skips verifying the server's certificate (its signer and its name), as {@code curl -k}: for a self-signed
     * test server only, since anyone in between can read and change the traffic. Implies {@link #tls} when set.
     */
    public ClientOptions insecure(final boolean skipVerification)
    {
        this.insecure = skipVerification;
        this.tls = skipVerification || tls;
        return this;
    }
}
