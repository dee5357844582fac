package io.weft.bench.macro;

import java.util.List;

/**
 * One server of the suite, all serving the same echo.
 *
 * @param name     id used on the command line ({@code --peers}) and in file names
 * @param title    what the report calls it
 * @param weft     whether it is one of Weft's own (the others are what Weft is compared with)
 * @param baseline the C floor: shown, but never counted as a competitor
 * @param jvm      whether it runs on the JVM (gets JIT warm-up, heap reporting, the JVM flags)
 */
record Peer(String name, String title, boolean weft, boolean baseline, boolean jvm) {

    static final List<Peer> ALL = List.of(
            new Peer("weft", "Weft (callbacks, default backend)", true, false, true),
            new Peer("weft-nio", "Weft (callbacks, NIO)", true, false, true),
            new Peer("weft-green", "Weft (green threads)", true, false, true),
            new Peer("netty-nio", "Netty 4.2 NIO", false, false, true),
            new Peer("netty-epoll", "Netty 4.2 epoll", false, false, true),
            new Peer("netty-iouring", "Netty 4.2 io_uring", false, false, true),
            new Peer("jdk-threads", "JDK platform threads", false, false, true),
            new Peer("jdk-virtual", "JDK virtual threads", false, false, true),
            new Peer("go", "Go goroutines", false, false, false),
            new Peer("node", "Node net", false, false, false),
            new Peer("c-epoll", "C epoll (floor)", false, true, false));

    /**
     * Weft on one named backend, chosen with {@code --peers} but not run by default: {@code weft}
     * already is the default backend (native epoll where it works).
     */
    static final List<Peer> EXTRA = List.of(
            new Peer("weft-epoll", "Weft (callbacks, epoll)", true, false, true),
            new Peer("weft-poll", "Weft (callbacks, poll(2))", true, false, true),
            new Peer("weft-uring", "Weft (callbacks, io_uring)", true, false, true));

    /** Every peer {@code --peers} takes: the default set, then the extras. */
    static final List<Peer> KNOWN = java.util.stream.Stream.concat(ALL.stream(), EXTRA.stream()).toList();

    static Peer named(String name) {
        for (Peer p : KNOWN) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown peer '" + name + "'; known: "
                + String.join(", ", KNOWN.stream().map(Peer::name).toList()));
    }

    /** Whether Weft is measured against it (a peer, not Weft itself nor the floor). */
    boolean competitor() {
        return !weft && !baseline;
    }
}
