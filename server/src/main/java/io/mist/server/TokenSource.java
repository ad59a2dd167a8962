package io.mist.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The token of {@code --token} or {@code --token-file} (the file keeps it out of {@code ps} and shell history): the
 * file's text without its final line break. Main thread.
 */
public final class TokenSource
{
    private TokenSource()
    {
    }

    /**
     * The token given, or null for none.
     *
     * @param tokenGiven whether {@code --token} is on the command line (it wins over a file from the environment or
     *     the config file, and the reverse).
     * @throws IllegalArgumentException naming the flag at fault.
     */
    public static String of(final String token, final boolean tokenGiven, final Path file, final boolean fileGiven)
    {
        if (token != null && file != null && tokenGiven == fileGiven)
        {
            throw new IllegalArgumentException("--token and --token-file: give one, not both (from the command " +
                "line, MIST_TOKEN and MIST_TOKEN_FILE, or the config file)");
        }
        if (file == null || token != null && tokenGiven)
        {
            return token;
        }
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("--token-file: cannot read " + file + " (" +
                (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()) + ")");
        }
        final String read = text.endsWith("\r\n") ? text.substring(0, text.length() - 2) :
            text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (read.isEmpty())
        {
            throw new IllegalArgumentException("--token-file: " + file + " is empty");
        }
        if (read.indexOf('\n') >= 0)
        {
            throw new IllegalArgumentException("--token-file: " + file + " holds more than one line; the token is " +
                "the whole file, less its final line break");
        }
        return read;
    }
}
