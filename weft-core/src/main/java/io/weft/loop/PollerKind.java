package io.weft.loop;

/**
 * Which kernel interface an event loop waits on. Chosen in {@link LoopConfig}; the mapping to
 * an implementation happens in exactly one place inside Weft.
 */
public enum PollerKind {
    /**
     * The JDK's default NIO selector: epoll on Linux, kqueue on macOS. The right choice for
     * many connections: the cost of a wait does not grow with the number of idle sockets.
     */
    NIO,
    /**
     * The JDK's {@code poll(2)} selector. Each wait passes every registered descriptor to the
     * kernel, so it loses to epoll at high concurrency, but it has no registration system
     * calls and can win with a handful of busy sockets. Needs
     * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (the {@code weft} launcher passes it).
     */
    POLL;

    /** Parses {@code nio} or {@code poll}, case-insensitively. */
    public static PollerKind parse(String name) {
        for (PollerKind k : values()) {
            if (k.name().equalsIgnoreCase(name.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown poller '" + name + "': expected nio or poll");
    }
}
