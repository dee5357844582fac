package io.weft.bench.macro;

import java.util.ArrayList;
import java.util.List;

/**
 * How each peer's process is started, or why it cannot be. Every Java peer runs on the same JVM
 * as the driver, with the same flags: Weft's own, and a fixed heap and collector, so that no
 * peer gets a different ergonomic choice than another.
 */
final class Launchers {
    /** Keep in step with the parent pom's weft.jvm.flags and the ./weft launcher. */
    static final List<String> WEFT_JVM_FLAGS = List.of(
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED");

    /**
     * The same for every Java peer. Serial GC: what the JVM picks by itself when pinned to one
     * core, made explicit so an unpinned run compares alike. A small initial heap so that resident
     * memory grows with what the server needs, not with a pre-sized young generation.
     */
    static final List<String> PEER_JVM_FLAGS = List.of(
            "-XX:+UseSerialGC", "-Xms64m", "-Xmx1g",
            // Netty reaches for sun.misc.Unsafe; allow it without the JDK 24+ warning on stderr.
            "--sun-misc-unsafe-memory-access=allow");

    /** A peer's command line, or the reason it is skipped in this suite. */
    record Launch(List<String> command, String skip) {
        static Launch skipped(String why) {
            return new Launch(null, why);
        }
    }

    private final Natives natives;
    private final String java;
    private final String classPath;
    private final int loops;
    private final List<String> extraJvmFlags;

    Launchers(Natives natives, String java, String classPath, int loops) {
        this(natives, java, classPath, loops, List.of());
    }

    /** {@code extraJvmFlags} go after the common flags of every Java peer (a GC log, a heap size). */
    Launchers(Natives natives, String java, String classPath, int loops, List<String> extraJvmFlags) {
        this.natives = natives;
        this.java = java;
        this.classPath = classPath;
        this.loops = loops;
        this.extraJvmFlags = List.copyOf(extraJvmFlags);
    }

    Launch of(Peer peer) {
        return switch (peer.name()) {
            case "go" -> natives.goEcho() == null ? Launch.skipped(natives.goSkip())
                    : new Launch(List.of(natives.goEcho().toString()), null);
            case "node" -> natives.nodeEcho() == null ? Launch.skipped(natives.nodeSkip())
                    : new Launch(List.of("node", "--expose-gc", natives.nodeEcho().toString()), null);
            case "c-epoll" -> natives.echoEpoll() == null ? Launch.skipped(natives.cSkip())
                    : new Launch(List.of(natives.echoEpoll().toString()), null);
            default -> new Launch(jvm(peer.name()), null);
        };
    }

    private List<String> jvm(String peer) {
        List<String> c = new ArrayList<>();
        c.add(java);
        c.addAll(WEFT_JVM_FLAGS);
        c.addAll(PEER_JVM_FLAGS);
        c.addAll(extraJvmFlags);
        c.addAll(List.of("-cp", classPath, "io.weft.bench.macro.server.ServerMain", peer, "--loops",
                Integer.toString(loops)));
        return c;
    }
}
