package io.weft.bench.macro;

import java.util.List;

/**
 * One workload of the suite: what the load generator does against each peer.
 *
 * @param name   short id, used in file names and {@code --only}
 * @param kind   echo ping-pong, c10k or bulk
 * @param conns  connections opened
 * @param active connections doing ping-pong (the rest stay idle until the final check)
 * @param size   message size for ping-pong, write size for bulk, bytes
 * @param title  what a reader of the report sees
 */
record Workload(String name, Kind kind, int conns, int active, int size, String title) {

    enum Kind { ECHO, C10K, BULK }

    /** The workloads of the issue, in the order they run. {@code c10kConns} is 10,000 but for tests. */
    static List<Workload> all(int c10kConns) {
        int active = Math.max(1, c10kConns / 20);
        return List.of(
                echo(1024, 1), echo(1024, 100), echo(1024, 1000),
                echo(16384, 1), echo(16384, 100), echo(16384, 1000),
                new Workload("c10k", Kind.C10K, c10kConns, active, 1024,
                        String.format("%,d connections, %,d (5%%) ping-ponging 1 KiB, the rest idle", c10kConns,
                                active)),
                new Workload("bulk", Kind.BULK, 1, 1, 64 * 1024, "one connection echoing a stream in 64 KiB writes"));
    }

    private static Workload echo(int size, int conns) {
        String kib = size / 1024 + "k";
        return new Workload("echo-" + kib + "-c" + conns, Kind.ECHO, conns, conns, size,
                String.format("Echo ping-pong, %d KiB messages, %,d connection%s", size / 1024, conns,
                        conns == 1 ? "" : "s"));
    }
}
