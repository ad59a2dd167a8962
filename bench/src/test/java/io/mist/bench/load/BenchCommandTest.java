package io.mist.bench.load;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest
{
    @Test
    void everySubcommandShowsItsHelp()
    {
        for (final String subcommand : new String[] {"run", "suite"})
        {
            final StringWriter out = new StringWriter();
            final CommandLine command = new CommandLine(new BenchCommand());
            command.setOut(new PrintWriter(out));
            assertEquals(0, command.execute(subcommand, "--help"), subcommand);
            assertTrue(out.toString().startsWith("Usage: mist-bench " + subcommand), out.toString());
        }
    }
}
