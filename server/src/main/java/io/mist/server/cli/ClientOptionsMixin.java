package io.mist.server.cli;

import picocli.CommandLine.Option;

/** The options every client subcommand shares: where the server is, the token, how long to wait. */
public final class ClientOptionsMixin
{
    @Option(names = "--host", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:1445",
        description = "The mist server's TCP listener. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--token", paramLabel = "TOKEN",
        description = "Token sent first ({\"command\":\"auth\"}), for a server with an authenticator.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "Reads the token from FILE (its final line break dropped), which keeps it out of ps.")
    java.nio.file.Path tokenFile;

    @Option(names = "--tls", description = "Connect over TLS (a tls:// listener). The server's certificate must be " +
        "trusted and name --host.")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "PEM", description = "Trust the certificates in this PEM file (a CA, " +
        "or the server's own self-signed certificate); implies --tls.")
    java.nio.file.Path tlsCa;

    @Option(names = "--tls-insecure", description = "Skip verifying the server's certificate, as curl -k (test " +
        "servers only); implies --tls.")
    boolean tlsInsecure;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
        description = "How long to wait to connect and for each reply. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds;
}
