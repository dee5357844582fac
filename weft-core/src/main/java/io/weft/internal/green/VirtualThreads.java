package io.weft.internal.green;

import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;

/**
 * The one place that reaches into the JDK for a virtual-thread builder with a custom scheduler.
 *
 * <p>JDK 25 has no public API for choosing a virtual thread's scheduler. It does have a
 * package-private constructor, {@code java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)},
 * used by its own tests: every continuation of a thread built by it is handed to that executor
 * to run. Reaching it needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}. Without the
 * flag Weft refuses to make green threads, saying how to fix it, rather than fall back to the
 * default scheduler: green code would then run on ForkJoinPool threads, in parallel with the
 * loop, and the "no data races with callbacks" promise would silently not hold.
 */
public final class VirtualThreads {
    public static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    private static final Constructor<?> BUILDER;
    private static final String UNAVAILABLE;

    static {
        Constructor<?> ctor = null;
        String why = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            ctor = c.getDeclaredConstructor(Executor.class);
            ctor.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            why = "this JDK (" + Runtime.version() + ") has no virtual-thread builder with a custom scheduler: " + e;
            ctor = null;
        } catch (RuntimeException e) { // InaccessibleObjectException
            why = "green threads need the JVM flag " + FLAG + " (the weft launcher, the jar manifest"
                    + " and Weft's test runner pass it; add it to your java command or surefire argLine)";
            ctor = null;
        }
        BUILDER = ctor;
        UNAVAILABLE = why;
    }

    private VirtualThreads() {
    }

    /** Whether green threads can be made in this JVM. */
    public static boolean available() {
        return BUILDER != null;
    }

    /** Why green threads cannot be made, or null. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** A builder of virtual threads whose continuations all run through {@code scheduler}. */
    public static Thread.Builder.OfVirtual builder(Executor scheduler) {
        if (BUILDER == null) {
            throw new IllegalStateException(UNAVAILABLE);
        }
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a virtual-thread builder", e);
        }
    }
}
