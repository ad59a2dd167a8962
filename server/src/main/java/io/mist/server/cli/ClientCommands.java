package io.mist.server.cli;

import io.mist.client.Message;
import io.mist.client.MistClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** mist's client subcommands over TCP, one class each. Main thread. */
public final class ClientCommands
{
    private ClientCommands()
    {
    }

    /** A new publish subcommand (for the hidden aliases). */
    public static Object publishCommand()
    {
        return new Publish();
    }

    /** Every subcommand, in help order; {@code message} and {@code send} are mist's hidden aliases of publish. */
    public static List<Object> all()
    {
        return List.of(new Ping(), new Publish(), new Subscribe(), new Unsubscribe(), new ListCommand(),
            new Listall(), new Who(), new Register(), new Unregister(), new SetTags(), new UnsetTags(), new Tags());
    }

    @Command(name = "ping", mixinStandardHelpOptions = true, description = "Ping a running mist server; prints pong.")
    static final class Ping extends ClientCommand
    {
        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            print(client.await(client.ping()).data());
            return 0;
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a message; prints success once the server has taken it.")
    static final class Publish extends ClientCommand
    {
        @Option(names = "--tags", split = ",", paramLabel = "TAG", description = "Tags of the message (a,b).")
        List<String> tags;

        @Option(names = "--data", paramLabel = "DATA", description = "The message; '-' reads it from stdin.")
        String data;

        InputStream stdin = System.in;

        @Override
        String validate()
        {
            if (tags(tags).isEmpty())
            {
                return "Unable to publish - Missing tags";
            }
            if (data == null || data.isEmpty())
            {
                return "Unable to publish - Missing data";
            }
            return null;
        }

        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            String message = data;
            if ("-".equals(data))
            {
                message = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
                if (message.endsWith("\n"))
                {
                    message = message.substring(0, message.length() - (message.endsWith("\r\n") ? 2 : 1));
                }
            }
            client.await(client.publishConfirmed(tags(tags), message));
            print("success");
            return 0;
        }
    }

    @Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = "Subscribe to tags and print each message's data, one per line, until interrupted.")
    static final class Subscribe extends ClientCommand
    {
        @Option(names = "--tags", split = ",", paramLabel = "TAG", description = "Tags to subscribe to (a,b).")
        List<String> tags;

        @Option(names = "--json", description = "Print whole messages as JSON lines instead of their data.")
        boolean json;

        @Option(names = "--since", paramLabel = "ID", description = "First the messages the server kept from " +
            "message ID on (mist for the JVM's replay; --json shows each message's id), then new ones.")
        Long since;

        @Override
        String validate()
        {
            if (since != null && since < 0)
            {
                return "--since must be a message id, 0 or more";
            }
            return tags(tags).isEmpty() ? "Unable to subscribe - Missing tags" : null;
        }

        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            client.await(since == null ? client.subscribe(tags(tags)) : client.subscribe(tags(tags), since));
            spec.commandLine().getErr().println("Listening on tags '" + tags(tags) + "'");
            spec.commandLine().getErr().flush();
            while (true)
            {
                final Message message;
                try
                {
                    message = client.messages().poll(1, java.util.concurrent.TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return 0;
                }
                if (message != null)
                {
                    print(json ? message.toJson() : message.data());
                }
                else if (!client.connected())
                {
                    throw new IOException("connection to " + connection.host + " lost");
                }
            }
        }
    }

    @Command(name = "unsubscribe", mixinStandardHelpOptions = true, description = "Remove a subscription.")
    static final class Unsubscribe extends ClientCommand
    {
        @Option(names = "--tags", split = ",", paramLabel = "TAG", description = "The subscription's tags (a,b).")
        List<String> tags;

        @Override
        String validate()
        {
            return tags(tags).isEmpty() ? "Unable to unsubscribe - Missing tags" : null;
        }

        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            client.await(client.unsubscribe(tags(tags)));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "This connection's subscriptions (a new connection has none).")
    static final class ListCommand extends ClientCommand
    {
        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            print(client.await(client.list()));
            return 0;
        }
    }

    @Command(name = "listall", mixinStandardHelpOptions = true, description = "Every tag subscribed to on the server.")
    static final class Listall extends ClientCommand
    {
        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            final String tags = client.await(client.listall());
            print(tags.isEmpty() ? "No subscribers connected to mist at '" + connection.host + "'" :
                "Subscribers are subscribing on the following tags: " + tags);
            return 0;
        }
    }

    @Command(name = "who", mixinStandardHelpOptions = true, description = "The server's connection counts.")
    static final class Who extends ClientCommand
    {
        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            print(client.await(client.who()));
            return 0;
        }
    }

    /** Admin subcommands name the token they act on. */
    abstract static class AdminCommand extends ClientCommand
    {
        @Parameters(index = "0", paramLabel = "TOKEN_NAME", description = "The token to act on.")
        String name;
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
        description = "Admin: create a token with tags (needs the master --token).")
    static final class Register extends AdminCommand
    {
        @Option(names = "--tags", split = ",", paramLabel = "TAG", description = "Its tags (a,b).")
        List<String> tags = new ArrayList<>();

        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            client.await(client.register(name, tags(tags)));
            return 0;
        }
    }

    @Command(name = "unregister", mixinStandardHelpOptions = true, description = "Admin: delete a token.")
    static final class Unregister extends AdminCommand
    {
        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            client.await(client.unregister(name));
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Admin: add tags to a token.")
    static final class SetTags extends AdminCommand
    {
        @Option(names = "--tags", split = ",", paramLabel = "TAG", required = true, description = "Tags to add.")
        List<String> tags;

        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            client.await(client.set(name, tags(tags)));
            return 0;
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Admin: remove tags from a token.")
    static final class UnsetTags extends AdminCommand
    {
        @Option(names = "--tags", split = ",", paramLabel = "TAG", required = true, description = "Tags to remove.")
        List<String> tags;

        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            client.await(client.unset(name, tags(tags)));
            return 0;
        }
    }

    @Command(name = "tags", mixinStandardHelpOptions = true, description = "Admin: a token's tags, one per line.")
    static final class Tags extends AdminCommand
    {
        @Override
        int run(final MistClient client) throws IOException, TimeoutException
        {
            for (final String tag : client.await(client.tags(name)))
            {
                print(tag);
            }
            return 0;
        }
    }
}
