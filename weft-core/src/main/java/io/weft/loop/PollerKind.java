package io.weft.loop;

/**
 * Which kernel interface an event loop's I/O driver uses. Chosen in {@link LoopConfig} (the
 * default is the best backend that works here: see {@link #preferred()}); the mapping to an
 * implementation, and the probing of what the kernel offers, happen in exactly one place inside
 * Weft. {@code weft info} lists every backend with {@code ok} or the reason it cannot run.
 */
public enum PollerKind {
    /**
     * The JDK's default NIO selector: epoll on Linux, kqueue on macOS. Works everywhere the JDK
     * does; the cost of a wait does not grow with the number of idle sockets.
     */
    NIO("nio"),
    /**
     * The JDK's {@code poll(2)} selector. Each wait passes every registered descriptor to the
     * kernel, so it loses to epoll at high concurrency, but it has no registration system
     * calls and can win with a handful of busy sockets. Needs
     * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (the {@code weft} launcher passes it).
     */
    POLL("poll"),
    /**
     * Linux epoll called directly through the FFM API on raw descriptors, without the JDK's
     * channels in between: fewer system calls and no allocation per event. Linux on x86-64 or
     * aarch64, with native access enabled ({@code --enable-native-access=ALL-UNNAMED}).
     */
    EPOLL("epoll"),
    /**
     * Linux io_uring, a completion backend: the loop hands the kernel operations and reaps their
     * completions. Taken when asked for by name, where the kernel allows it. {@code addReader}/
     * {@code addWriter} work on it too (one-shot {@code POLL_ADD}s, level-triggered as elsewhere),
     * unless the ring lacks {@code POLL_ADD}, when they are refused with that reason.
     */
    IO_URING("io_uring");

    private final String configName;

    PollerKind(String configName) {
        this.configName = configName;
    }

    /** The name {@link #parse} takes and {@code weft info} prints: {@code nio}, {@code epoll}, ... */
    public String configName() {
        return configName;
    }

    /**
     * The backend a loop gets when its configuration names none: native epoll where it works,
     * else NIO. Probed once per process.
     */
    public static PollerKind preferred() {
        return io.weft.internal.io.Drivers.preferred();
    }

    /** Parses {@code nio}, {@code poll}, {@code epoll} or {@code io_uring} (also {@code uring}), case-insensitively. */
    public static PollerKind parse(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        if (n.equals("uring") || n.equals("iouring")) {
            return IO_URING;
        }
        for (PollerKind k : values()) {
            if (k.configName.equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown poller '" + name + "': expected nio, poll, epoll or io_uring");
    }
}
