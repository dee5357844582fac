package io.weft.internal.sys;

import java.util.Locale;

/**
 * Whether this layer's native calls can run in this JVM: the one question the backend selection
 * and {@code ./weft info} ask before touching any class that links a downcall.
 *
 * <p>Threading: any thread. The answer is worked out once per process.
 */
public final class Sys {
    private Sys() {
    }

    /**
     * The answer: {@link Probe#ok()}, or why not (another OS, an architecture whose ABI this layer
     * does not know, native access not enabled, a libc without the calls).
     */
    public static Probe probe() {
        return Holder.PROBE;
    }

    /** The outcome of {@link #probe()}. */
    public record Probe(boolean ok, String reason) {
        static final Probe OK = new Probe(true, "ok");

        static Probe no(String reason) {
            return new Probe(false, reason);
        }

        /** {@code "ok"}, or the reason it cannot run. */
        @Override
        public String toString() {
            return reason;
        }
    }

    private static final class Holder {
        static final Probe PROBE = run();
    }

    private static Probe run() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Probe.no("not Linux (os.name is '" + os + "'): epoll is Linux's");
        }
        if (Arch.current() == null) {
            return Probe.no(Arch.unsupportedReason());
        }
        Module module = Sys.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            return Probe.no("native access is not enabled for " + (module.isNamed() ? module.getName() : "the class path")
                    + ": start the JVM with --enable-native-access="
                    + (module.isNamed() ? module.getName() : "ALL-UNNAMED") + " (the weft launcher passes it)");
        }
        // Everything static is in place; now link and make a real call: eventfd and close.
        try (CallState cs = new CallState()) {
            int fd = EventFd.open(cs);
            if (fd < 0) {
                return Probe.no("eventfd failed: " + Errno.name(-fd) + " (system calls filtered?)");
            }
            Fd.close(cs, fd);
            return Probe.OK;
        } catch (Throwable t) {
            return Probe.no("native calls do not link here: " + t);
        }
    }
}
