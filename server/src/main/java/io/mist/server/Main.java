package io.mist.server;

/** Process entry point: runs the {@code mist} command line and exits with its code. */
public final class Main
{
    private Main()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(MistCommand.run(args));
    }
}
