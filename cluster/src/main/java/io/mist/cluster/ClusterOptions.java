package io.mist.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a node joins a cluster: the NATS servers ({@code nats://} or {@code tls://} URLs, with user and password or a
 * token in them when NATS wants one), the cluster's name (several mist clusters may share one NATS), an optional
 * NATS credentials file, and for {@code tls://} the PEM certificates to trust (else the JVM's). Immutable; checked
 * when built, with errors that name the flag.
 */
public record ClusterOptions(List<String> servers, String name, Path credentials, Path trustedCertificates)
{
    /** The default cluster name. */
    public static final String DEFAULT_NAME = "mist";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SERVER = Pattern.compile("(?i)(nats|tls)://[^\\s,]+");

    public ClusterOptions
    {
        servers = List.copyOf(servers);
        if (servers.isEmpty())
        {
            throw new IllegalArgumentException("--cluster: at least one NATS server is needed, e.g. " +
                "nats://127.0.0.1:4222");
        }
        for (final String server : servers)
        {
            if (!SERVER.matcher(server).matches())
            {
                throw new IllegalArgumentException("--cluster: '" + server + "' is not a NATS server URL " +
                    "(nats://HOST:PORT or tls://HOST:PORT)");
            }
        }
        if (!NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException("--cluster-name: '" + name + "' must be 1 to 64 letters, digits, " +
                "'-' or '_' (it becomes part of NATS subjects)");
        }
    }

    /** Without credentials file or certificates of its own. */
    public ClusterOptions(final List<String> servers, final String name)
    {
        this(servers, name, null, null);
    }

    /** The servers for logs and errors, without the passwords or tokens in their URLs. */
    public String describe()
    {
        return String.join(",", servers.stream().map(server -> server.replaceFirst("//[^@/]*@", "//***@")).toList());
    }

    /** The NATS subject prefix of this cluster's traffic. */
    String prefix()
    {
        return "mist." + name;
    }
}
