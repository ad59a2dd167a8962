package io.mist.server;

import com.dslplatform.json.DslJson;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code --config} file, JSON ({@code .json}) or YAML (any other name), whose keys are the server's
 * long flags without dashes ({@code listeners}, {@code log-level}, {@code ring-size}, ...), as mist's viper keys. Its
 * values become the flags' defaults, so a flag on the command line wins over the file, and the file over the built-in
 * default. Unknown keys and values that are neither scalars nor lists are errors naming the key; a bad value fails
 * like the flag would, naming it. Read once by the main thread before parsing.
 */
public final class ConfigFile implements CommandLine.IDefaultValueProvider
{
    private final Path path;
    private final Map<String, String> values;

    private ConfigFile(final Path path, final Map<String, String> values)
    {
        this.path = path;
        this.values = values;
    }

    /**
     * The file {@code --config} names, as mist's viper finds it: the path itself when it exists (read as JSON when
     * it ends in {@code .json}, else as YAML, so {@code --config /etc/mist/config} works), else the path with
     * {@code .json}, {@code .yaml} or {@code .yml} appended (mist's README passes the name without its extension).
     */
    private static Path resolve(final Path given)
    {
        if (Files.exists(given))
        {
            return given;
        }
        for (final String extension : new String[] {".json", ".yaml", ".yml"})
        {
            final Path candidate = given.resolveSibling(given.getFileName() + extension);
            if (Files.exists(candidate))
            {
                return candidate;
            }
        }
        throw new IllegalArgumentException("config file " + given + ": not found (nor " + given.getFileName() +
            ".json, .yaml or .yml beside it)");
    }

    /** The {@code --config} path among {@code args} ({@code --config X} or {@code --config=X}), or null. */
    static Path findIn(final String[] args)
    {
        for (int i = 0; i < args.length; i++)
        {
            if (args[i].equals("--config") && i + 1 < args.length)
            {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config="))
            {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    /**
     * Reads and checks the file against the options of {@code command}.
     *
     * @throws IllegalArgumentException naming the file and the key at fault.
     */
    static ConfigFile load(final Path given, final CommandLine.Model.CommandSpec command)
    {
        final Path path = resolve(given);
        final String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        for (final String unsupported : new String[] {".toml", ".hcl", ".properties", ".props", ".prop", ".env"})
        {
            if (name.endsWith(unsupported))
            {
                throw new IllegalArgumentException("config file " + path + ": only YAML and JSON files are read " +
                    "(" + unsupported + " is not); write the same keys as YAML");
            }
        }
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(path);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("config file " + path + ": cannot read it (" +
                (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()) + ")");
        }
        final boolean json = name.endsWith(".json");
        final Object parsed;
        try
        {
            parsed = json ? new DslJson<>().deserialize(Map.class, bytes, bytes.length) :
                new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(bytes,
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new IllegalArgumentException("config file " + path + ": not valid " + (json ? "JSON" : "YAML") +
                " (" + firstLine(ex.getMessage()) + ")");
        }
        if (parsed == null)
        {
            return new ConfigFile(path, Map.of());
        }
        if (!(parsed instanceof Map))
        {
            throw new IllegalArgumentException("config file " + path + ": expected keys and values at the top level");
        }
        final Set<String> known = new TreeSet<>();
        for (final CommandLine.Model.OptionSpec option : command.options())
        {
            if (option.longestName().startsWith("--") && !option.usageHelp() && !option.versionHelp() &&
                !option.longestName().equals("--config"))
            {
                known.add(option.longestName().substring(2));
            }
        }
        final Map<String, String> values = new LinkedHashMap<>();
        for (final Map.Entry<?, ?> entry : ((Map<?, ?>)parsed).entrySet())
        {
            final String key = String.valueOf(entry.getKey());
            if (!known.contains(key))
            {
                throw new IllegalArgumentException("config file " + path + ": unknown key '" + key + "' (known: " +
                    String.join(", ", known) + ")");
            }
            values.put(key, text(path, key, entry.getValue()));
        }
        return new ConfigFile(path, values);
    }

    private static String text(final Path path, final String key, final Object value)
    {
        if (value == null)
        {
            throw new IllegalArgumentException("config file " + path + ": key '" + key + "' has no value");
        }
        if (value instanceof Collection)
        {
            final List<String> items = new ArrayList<>();
            for (final Object item : (Collection<?>)value)
            {
                if (item instanceof Map || item instanceof Collection || item == null)
                {
                    throw new IllegalArgumentException("config file " + path + ": key '" + key +
                        "' must be a list of plain values");
                }
                items.add(String.valueOf(item));
            }
            return String.join(",", items);
        }
        if (value instanceof Map)
        {
            throw new IllegalArgumentException("config file " + path + ": key '" + key +
                "' must be a value or a list, not a mapping");
        }
        if (value instanceof Double || value instanceof Float)
        {
            final double number = ((Number)value).doubleValue();
            if (number == Math.rint(number))
            {
                return Long.toString((long)number); // JSON numbers may arrive as doubles
            }
        }
        return String.valueOf(value);
    }

    private static String firstLine(final String message)
    {
        if (message == null)
        {
            return "no detail";
        }
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The file's value for an option of the root command, or null for the built-in default. */
    @Override
    public String defaultValue(final CommandLine.Model.ArgSpec argument)
    {
        if (!(argument instanceof CommandLine.Model.OptionSpec) ||
            argument.command().parent() != null)
        {
            return null;
        }
        final String longest = ((CommandLine.Model.OptionSpec)argument).longestName();
        return longest.startsWith("--") ? values.get(longest.substring(2)) : null;
    }

    public Path path()
    {
        return path;
    }
}
