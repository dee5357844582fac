package io.weft.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's rows for this process's sockets, from {@code /proc/self/net/{tcp,tcp6,udp,udp6,unix}},
 * by socket inode: what a leak message prints next to {@code socket:[inode]} so a reader can
 * tell which socket it was. Addresses are as the kernel writes them (hexadecimal, in network
 * order for IPv4: {@code 0100007F:1F90} is 127.0.0.1:8080); TCP states are named.
 */
final class SocketTable {
    private static final List<String> INET_TABLES = List.of("tcp", "tcp6", "udp", "udp6");
    /** TCP states by the number in the {@code st} column (include/net/tcp_states.h). */
    private static final String[] TCP_STATES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    private final Map<String, String> rowsByInode;

    private SocketTable(Map<String, String> rowsByInode) {
        this.rowsByInode = rowsByInode;
    }

    /** The tables as they are now; tables this system lacks are left out. */
    static SocketTable read() {
        Map<String, String> rows = new HashMap<>();
        for (String table : INET_TABLES) {
            for (String[] f : rows(table)) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                if (f.length > 9) {
                    String state = table.startsWith("tcp") ? " " + tcpState(f[3]) : "";
                    rows.put(f[9], table + " " + f[1] + " -> " + f[2] + state);
                }
            }
        }
        for (String[] f : rows("unix")) {
            // Num RefCount Protocol Flags Type St Inode [Path]
            if (f.length > 6) {
                rows.put(f[6], "unix" + (f.length > 7 ? " " + f[7] : " (unnamed)"));
            }
        }
        return new SocketTable(rows);
    }

    /** {@code fds} one a line: number, target and, for a socket the kernel lists, its row. */
    String describe(Map<Integer, String> fds) {
        StringBuilder b = new StringBuilder();
        fds.forEach((fd, target) -> {
            b.append("  ").append(fd).append(" -> ").append(target);
            if (target.startsWith("socket:[") && target.endsWith("]")) {
                String row = rowsByInode.get(target.substring("socket:[".length(), target.length() - 1));
                if (row != null) {
                    b.append(" (").append(row).append(')');
                }
            }
            b.append('\n');
        });
        return b.toString();
    }

    private static List<String[]> rows(String table) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/net", table));
            return lines.stream().skip(1).map(line -> line.trim().split("\\s+")).toList();
        } catch (IOException | RuntimeException e) {
            return List.of(); // not there (no IPv6, not Linux): nothing to add
        }
    }

    private static String tcpState(String hex) {
        try {
            int st = Integer.parseInt(hex, 16);
            return st > 0 && st < TCP_STATES.length ? TCP_STATES[st] : "state " + hex;
        } catch (NumberFormatException e) {
            return "state " + hex;
        }
    }
}
