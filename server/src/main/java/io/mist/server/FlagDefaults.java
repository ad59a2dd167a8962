package io.mist.server;

import picocli.CommandLine;

import java.util.Locale;
import java.util.Map;

/**
 * Where a flag that is not on the command line takes its value from: the environment ({@code MIST_<FLAG>}, e.g.
 * {@code MIST_TOKEN}, {@code MIST_MAX_FRAME_SIZE}), then the {@code --config} file, then its built-in default. So
 * secrets can stay out of {@code ps}, and containers can be configured without a file. Every server flag reads its
 * variable; of the client commands' flags, {@code --token} and {@code --token-file} do. An empty variable counts as
 * unset. Main thread.
 */
final class FlagDefaults implements CommandLine.IDefaultValueProvider
{
    private final Map<String, String> environment;
    private final ConfigFile file;

    /** @param file the {@code --config} file; null when there is none. */
    FlagDefaults(final Map<String, String> environment, final ConfigFile file)
    {
        this.environment = environment;
        this.file = file;
    }

    /** The environment variable of a long flag: {@code --max-frame-size} → {@code MIST_MAX_FRAME_SIZE}. */
    static String variable(final String longFlag)
    {
        return "MIST_" + longFlag.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(final CommandLine.Model.ArgSpec argument) throws Exception
    {
        if (!(argument instanceof CommandLine.Model.OptionSpec))
        {
            return null;
        }
        final CommandLine.Model.OptionSpec option = (CommandLine.Model.OptionSpec)argument;
        final String longest = option.longestName();
        if (!longest.startsWith("--") || option.usageHelp() || option.versionHelp())
        {
            return null;
        }
        final boolean root = argument.command().parent() == null;
        if (root || longest.equals("--token") || longest.equals("--token-file"))
        {
            final String value = environment.get(variable(longest));
            if (value != null && !value.isEmpty())
            {
                return value;
            }
        }
        return file == null ? null : file.defaultValue(argument);
    }
}
