package io.mist.codec;

/**
 * Whether this JVM has the JDK's incubating Vector API ({@code --add-modules jdk.incubator.vector}): the one test the
 * classes that use it ({@link VectorPlainRun}, the load harness's line search) pass before they are loaded, as they
 * cannot be without the module. Any thread.
 */
public final class VectorApi
{
    private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorApi()
    {
    }

    public static boolean present()
    {
        return PRESENT;
    }
}
