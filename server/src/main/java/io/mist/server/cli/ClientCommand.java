package io.mist.server.cli;

import io.mist.client.ClientOptions;
import io.mist.client.MistClient;
import io.mist.client.MistReplyException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * A client subcommand's frame: connect with the shared options, run, and turn what went wrong into one line on
 * stderr and an exit code. Runs on the main thread.
 */
public abstract class ClientCommand implements Callable<Integer>
{
    /** The server answered with an error. */
    public static final int SERVER_ERROR = 1;
    /** Bad arguments (picocli's usage errors use it too). */
    public static final int BAD_ARGUMENTS = 2;
    /** The server could not be reached, or the connection was lost. */
    public static final int UNREACHABLE = 3;
    /** No reply in time. */
    public static final int TIMEOUT = 4;

    @Mixin
    ClientOptionsMixin connection;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call()
    {
        try
        {
            final String problem = validate();
            if (problem != null)
            {
                return fail(BAD_ARGUMENTS, problem);
            }
            final ClientOptions options = options();
            final MistClient connected;
            try
            {
                connected = MistClient.connect(connection.host, options);
            }
            catch (final IllegalArgumentException ex)
            {
                return fail(BAD_ARGUMENTS, "--host: " + ex.getMessage());
            }
            try (MistClient client = connected)
            {
                return run(client);
            }
        }
        catch (final MistReplyException ex)
        {
            return fail(SERVER_ERROR, ex.command().isEmpty() ? "the server refused the connection: " +
                ex.getMessage() : "the server refused '" + ex.command() + "': " + ex.getMessage());
        }
        catch (final TimeoutException ex)
        {
            return fail(TIMEOUT, ex.getMessage());
        }
        catch (final IOException ex)
        {
            return fail(UNREACHABLE, ex.getMessage());
        }
        catch (final IllegalArgumentException ex)
        {
            return fail(BAD_ARGUMENTS, ex.getMessage());
        }
    }

    ClientOptions options()
    {
        final Duration timeout = Duration.ofSeconds(Math.max(1, connection.timeoutSeconds));
        final CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        final String token = io.mist.server.TokenSource.of(connection.token, parsed.hasMatchedOption("--token"),
            connection.tokenFile, parsed.hasMatchedOption("--token-file"));
        return ClientOptions.defaults().token(token).connectTimeout(timeout).replyTimeout(timeout)
            .tls(connection.tls).trustCertificates(connection.tlsCa).insecure(connection.tlsInsecure);
    }

    /** A problem with the arguments, or null. */
    String validate()
    {
        return null;
    }

    /** Runs against the connected client; returns the exit code. */
    abstract int run(MistClient client) throws IOException, TimeoutException;

    int fail(final int code, final String message)
    {
        spec.commandLine().getErr().println("Error: " + message);
        spec.commandLine().getErr().flush();
        return code;
    }

    void print(final String line)
    {
        spec.commandLine().getOut().println(line);
        spec.commandLine().getOut().flush();
    }

    /** Tags from {@code --tags a,b} (picocli splits on commas), without empty ones. */
    static List<String> tags(final List<String> given)
    {
        return given == null ? List.of() : given.stream().filter(tag -> !tag.isEmpty()).toList();
    }
}
