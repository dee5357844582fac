package io.weft.net;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts this process's open file descriptors through /proc/self/fd (Linux).
 *
 * <p>{@link #io()} counts only sockets, pipes and anonymous inodes (epoll, eventfd): what a
 * transport, server or loop can leak. Regular files are left out because the JVM opens jars
 * lazily as classes load, which would make a leak check fail for no leak at all.
 */
final class Fds {
    private Fds() {
    }

    /** Open sockets, pipes and anon inodes. */
    static int io() {
        return list(true).size();
    }

    /** Every open descriptor. */
    static int all() {
        return list(false).size();
    }

    /** What the I/O descriptors point at, for a failure message. */
    static List<String> describeIo() {
        return list(true);
    }

    /** For a TCP socket, its line in /proc/net/tcp (local, remote, state), to tell which socket leaked. */
    private static String tcpState(String target) {
        if (!target.startsWith("socket:[")) {
            return "";
        }
        String inode = target.substring("socket:[".length(), target.length() - 1);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[9].equals(inode)) {
                        return " (tcp " + f[1] + " -> " + f[2] + " state " + f[3] + ")";
                    }
                }
            } catch (IOException e) {
                return "";
            }
        }
        return "";
    }

    private static List<String> list(boolean ioOnly) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile (the directory stream's own descriptor, say)
                }
                if (!ioOnly || target.startsWith("socket:") || target.startsWith("pipe:")
                        || target.startsWith("anon_inode:")) {
                    out.add(fd.getFileName() + " -> " + target + tcpState(target));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd (these tests need Linux)", e);
        }
        return out;
    }
}
