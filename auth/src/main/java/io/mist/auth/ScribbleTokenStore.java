package io.mist.auth;

import com.dslplatform.json.DslJson;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code scribble://?db=DIR}: mist's scribble layout, so an existing mist token directory works unchanged. One file
 * per token, {@code DIR/tokens/<token>.json}, holding {@code {"Value": token, "Tags": {"tag": {}, ...}}} indented
 * with tabs as Go writes it. Every write goes to {@code <token>.json.tmp}, is forced to disk, renamed over the file
 * and the directory forced, so a crash leaves the old file or the new one, never a torn one. Tokens that would leave
 * the directory ({@code /}, {@code \}, NUL, {@code .}, {@code ..}) are refused. Used by the server's one admin thread.
 */
public final class ScribbleTokenStore implements TokenStore
{
    private static final String SUFFIX = ".json";
    private static final String TEMPORARY = ".json.tmp";

    private final Path root;
    private final Path tokens;
    private final DslJson<Object> json = new DslJson<>();

    ScribbleTokenStore(final Path root) throws StoreException
    {
        this.root = root;
        this.tokens = root.resolve("tokens");
        try
        {
            Files.createDirectories(tokens);
        }
        catch (final IOException ex)
        {
            throw new StoreException("scribble: cannot create " + tokens + " (" + ex + ")", ex);
        }
    }

    @Override
    public Map<String, Set<String>> load() throws StoreException
    {
        final Map<String, Set<String>> all = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tokens, "*" + SUFFIX))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                final String token = name.substring(0, name.length() - SUFFIX.length());
                all.put(token, read(file));
            }
        }
        catch (final IOException ex)
        {
            throw new StoreException("scribble: cannot read " + tokens + " (" + ex.getClass().getSimpleName() + ")",
                ex);
        }
        return all;
    }

    private Set<String> read(final Path file) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        final Object parsed = json.deserialize(Map.class, bytes, bytes.length);
        final Set<String> tags = new TreeSet<>();
        if (parsed instanceof Map)
        {
            final Object held = ((Map<?, ?>)parsed).get("Tags");
            if (held instanceof Map)
            {
                for (final Object tag : ((Map<?, ?>)held).keySet())
                {
                    tags.add(String.valueOf(tag));
                }
            }
            else if (held != null)
            {
                throw new IOException("'Tags' is not an object in a token file of " + tokens);
            }
        }
        else
        {
            throw new IOException("a token file of " + tokens + " is not a JSON object");
        }
        return tags;
    }

    @Override
    public void register(final String token, final Set<String> tags) throws StoreException
    {
        write(token, tags);
    }

    @Override
    public void unregister(final String token) throws StoreException
    {
        try
        {
            Files.deleteIfExists(fileOf(token));
            force(tokens);
        }
        catch (final IOException ex)
        {
            throw failure("delete", ex);
        }
    }

    @Override
    public void addTags(final String token, final Set<String> tags) throws StoreException
    {
        final Set<String> now = current(token);
        now.addAll(tags);
        write(token, now);
    }

    @Override
    public void removeTags(final String token, final Set<String> tags) throws StoreException
    {
        final Set<String> now = current(token);
        now.removeAll(tags);
        write(token, now);
    }

    private Set<String> current(final String token) throws StoreException
    {
        try
        {
            return read(fileOf(token));
        }
        catch (final IOException ex)
        {
            throw failure("read", ex);
        }
    }

    private void write(final String token, final Set<String> tags) throws StoreException
    {
        final Path file = fileOf(token);
        final Path temporary = file.resolveSibling(token + TEMPORARY);
        final byte[] bytes = render(token, tags).getBytes(StandardCharsets.UTF_8);
        try
        {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining())
                {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            force(tokens);
        }
        catch (final IOException ex)
        {
            try
            {
                Files.deleteIfExists(temporary);
            }
            catch (final IOException ignored)
            {
                // the write already failed; that is what is reported
            }
            throw failure("write", ex);
        }
    }

    /** Go's {@code json.MarshalIndent(record, "", "\t")} of mist's token record, tags in sorted order as Go's maps. */
    static String render(final String token, final Set<String> tags)
    {
        final StringBuilder out = new StringBuilder(64);
        out.append("{\n\t\"Value\": ");
        quote(out, token);
        out.append(",\n\t\"Tags\": ");
        if (tags.isEmpty())
        {
            out.append("{}");
        }
        else
        {
            out.append('{');
            boolean first = true;
            for (final String tag : new TreeSet<>(tags))
            {
                out.append(first ? "\n\t\t" : ",\n\t\t");
                first = false;
                quote(out, tag);
                out.append(": {}");
            }
            out.append("\n\t}");
        }
        return out.append("\n}").toString();
    }

    /** A JSON string as Go's encoder writes it (HTML-sensitive characters and U+2028/9 escaped). */
    private static void quote(final StringBuilder out, final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029')
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private Path fileOf(final String token) throws StoreException
    {
        if (!isSafeName(token))
        {
            throw new StoreException("Invalid token for the scribble store: it must be a plain file name " +
                "(no /, \\, NUL, . or .., at most 200 characters)\n");
        }
        return tokens.resolve(token + SUFFIX);
    }

    /** Whether a token can be a file name inside the directory without leaving it. */
    public static boolean isSafeName(final String token)
    {
        return !token.isEmpty() && !token.equals(".") && !token.equals("..") && token.indexOf('/') < 0 &&
            token.indexOf('\\') < 0 && token.indexOf('\0') < 0 && token.length() <= 200;
    }

    private static void force(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    private StoreException failure(final String what, final IOException ex)
    {
        // The exception's message would name the file, and so the token: say only which kind of failure it was.
        return new StoreException("scribble: cannot " + what + " a token file in " + tokens + " (" +
            ex.getClass().getSimpleName() + ")", ex);
    }

    @Override
    public String describe()
    {
        return "scribble://?db=" + root;
    }

    @Override
    public void close()
    {
    }

    /** The {@code scribble} scheme: {@code scribble://?db=DIR}, the directory created when missing. */
    public static final class Provider implements TokenStoreProvider
    {
        @Override
        public Set<String> schemes()
        {
            return Set.of("scribble");
        }

        @Override
        public TokenStore open(final URI uri) throws StoreException
        {
            final String db = QueryParameters.of(uri).get("db");
            if (db == null || db.isEmpty())
            {
                throw new StoreException("Missing database location in scheme (?db=)");
            }
            return new ScribbleTokenStore(Paths.get(db));
        }
    }
}
