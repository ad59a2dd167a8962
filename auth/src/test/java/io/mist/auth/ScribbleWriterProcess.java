package io.mist.auth;

import java.util.Set;

/**
 * The child process of {@link ScribbleKillTest}: writes to a scribble store without end and prints one line per write
 * the store acknowledged (returned from without an exception), until it is killed. Each round registers a new token
 * and adds a tag to the token registered half as many rounds ago, so both whole-file writes and rewrites of existing
 * files are in flight when the kill comes.
 */
public final class ScribbleWriterProcess
{
    private ScribbleWriterProcess()
    {
    }

    /** @param args the store's directory. */
    public static void main(final String[] args) throws Exception
    {
        try (TokenStore store = TokenStores.open("scribble://?db=" + args[0]))
        {
            for (int i = 0; ; i++)
            {
                store.register("token-" + i, Set.of("tag-" + i));
                System.out.println("register token-" + i + " tag-" + i);
                store.addTags("token-" + i / 2, Set.of("extra-" + i));
                System.out.println("tag token-" + i / 2 + " extra-" + i);
                System.out.flush();
            }
        }
    }
}
