package io.weft.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's table of TCP sockets (/proc/net/tcp and tcp6, Linux): what a test cannot see
 * through the JDK, such as how many bytes wait unread in a socket or whether a connection
 * attempt is still in SYN_SENT.
 */
final class TcpTable {
    static final int ESTABLISHED = 0x01;
    static final int SYN_SENT = 0x02;
    static final int LISTEN = 0x0A;

    /** One socket: IPv4 addresses as dotted quads (IPv4-mapped IPv6 ones too). */
    record Entry(String localIp, int localPort, String remoteIp, int remotePort, int state, long txQueue,
            long rxQueue) {
    }

    private TcpTable() {
    }

    static List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    String[] local = f[1].split(":");
                    String[] remote = f[2].split(":");
                    String[] queues = f[4].split(":");
                    out.add(new Entry(ip(local[0]), Integer.parseInt(local[1], 16), ip(remote[0]),
                            Integer.parseInt(remote[1], 16), Integer.parseInt(f[3], 16),
                            Long.parseLong(queues[0], 16), Long.parseLong(queues[1], 16)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + table + " (these tests need Linux)", e);
            }
        }
        return out;
    }

    /** Unread bytes in the socket whose local and remote ports are these, or -1 if none. */
    static long rxQueue(int localPort, int remotePort) {
        return entries().stream().filter(e -> e.localPort() == localPort && e.remotePort() == remotePort)
                .mapToLong(Entry::rxQueue).findFirst().orElse(-1);
    }

    /** How many sockets to {@code ip}:{@code port} are in {@code state}. */
    static long count(String ip, int port, int state) {
        return entries().stream()
                .filter(e -> e.remoteIp().equals(ip) && e.remotePort() == port && e.state() == state).count();
    }

    /** The last 8 hex digits are the IPv4 address (or the mapped one), in host (little-endian) order. */
    private static String ip(String hex) {
        String v4 = hex.substring(hex.length() - 8);
        return Integer.parseInt(v4.substring(6, 8), 16) + "." + Integer.parseInt(v4.substring(4, 6), 16) + "."
                + Integer.parseInt(v4.substring(2, 4), 16) + "." + Integer.parseInt(v4.substring(0, 2), 16);
    }
}
