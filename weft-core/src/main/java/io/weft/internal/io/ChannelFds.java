package io.weft.internal.io;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectableChannel;

/**
 * The descriptor behind a JDK channel, for {@code addReader}/{@code addWriter} on the native
 * backends (epoll's set, io_uring's POLL_ADD): the JDK's
 * channels implement {@code sun.nio.ch.SelChImpl#getFDVal()}, reachable with
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (the launcher, the jar manifest and the
 * build's surefire pass it). Looked up once.
 */
public final class ChannelFds {
    private static final MethodHandle GET_FD_VAL;
    private static final String PROBLEM;

    static {
        MethodHandle h = null;
        String problem = null;
        try {
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            h = MethodHandles.lookup().findVirtual(selCh, "getFDVal", MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, SelectableChannel.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = e.toString();
        }
        GET_FD_VAL = h;
        PROBLEM = problem;
    }

    private ChannelFds() {
    }

    /** {@code channel}'s descriptor number; {@code backend} names the loop's backend in a refusal. */
    public static int fdOf(SelectableChannel channel, String backend) {
        if (GET_FD_VAL == null) {
            throw new UnsupportedOperationException("addReader/addWriter on the " + backend + " backend need the descriptor of a "
                    + "JDK channel: start the JVM with --add-exports java.base/sun.nio.ch=ALL-UNNAMED (the weft launcher "
                    + "passes it), or use the nio backend (" + PROBLEM + ")");
        }
        try {
            return (int) GET_FD_VAL.invokeExact(channel);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException(channel + " is not a JDK channel; the " + backend + " backend can watch only those", e);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read the descriptor of " + channel, t);
        }
    }
}
