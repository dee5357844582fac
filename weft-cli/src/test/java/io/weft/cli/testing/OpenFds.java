package io.weft.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * This process's open sockets, pipes and epoll/event descriptors, from {@code /proc/self/fd}:
 * the descriptors a server or client can leak. Files are left out on purpose: the class loader
 * opens jars lazily and keeps them open, which is not a leak.
 */
public final class OpenFds {
    private static final Path FD = Path.of("/proc/self/fd");

    private static boolean warm; // guarded by OpenFds.class

    private OpenFds() {
    }

    /**
     * Makes the JDK open the descriptors it keeps for the life of the process, so that they are
     * in every "before" count: the socket pair NIO keeps for closing channels safely (made on the
     * first socket channel), and the epoll instances behind virtual threads that block on
     * sockets (made the first time one does). Not in a static initialiser: the virtual thread
     * below runs code of this class and would wait for that initialiser to finish.
     */
    private static synchronized void warmUp() {
        if (warm) {
            return;
        }
        warm = true;
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread client = Thread.ofVirtual().start(() -> {
                try (Socket s = new Socket()) {
                    s.connect(server.getLocalAddress());
                    s.getInputStream().read(); // parks this virtual thread on the JDK's poller
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (SocketChannel accepted = server.accept()) {
                accepted.write(ByteBuffer.wrap(new byte[] {1}));
            }
            client.join();
        } catch (IOException e) {
            throw new UncheckedIOException("warming up the JDK's sockets", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether this system has {@code /proc/self/fd} (Linux); tests skip the check elsewhere. */
    public static boolean supported() {
        return Files.isDirectory(FD);
    }

    /** The targets of the descriptors that count, e.g. {@code socket:[1234]}. */
    public static List<String> list() {
        List<String> out = new ArrayList<>();
        if (!supported()) {
            return out;
        }
        warmUp();
        try (Stream<Path> fds = Files.list(FD)) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
                        out.add(target);
                    }
                } catch (IOException e) {
                    // closed while listing (e.g. the descriptor of the listing itself)
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + FD, e);
        }
        return out;
    }

    public static int count() {
        return list().size();
    }

    /**
     * Asserts that no more descriptors are open than {@code before}. Closing is synchronous in
     * Weft, but a peer thread of a test may still be closing its end, so this looks again for a
     * few seconds before failing with the list.
     */
    public static void assertNoneLeaked(int before) {
        if (!supported()) {
            return;
        }
        long giveUp = System.nanoTime() + 5_000_000_000L;
        while (count() > before && System.nanoTime() < giveUp) {
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(count()).as("open sockets/pipes/epoll descriptors, now: %s", describe(list())).isLessThanOrEqualTo(before);
    }

    /** The descriptors, with each socket's kernel row (addresses, state) where /proc/net shows it. */
    private static List<String> describe(List<String> targets) {
        List<String> out = new ArrayList<>();
        for (String t : targets) {
            String row = "";
            if (t.startsWith("socket:[")) {
                String inode = t.substring("socket:[".length(), t.length() - 1);
                for (String table : List.of("tcp", "tcp6", "udp", "udp6", "unix")) {
                    try {
                        for (String line : Files.readAllLines(Path.of("/proc/self/net", table))) {
                            if (List.of(line.trim().split("\\s+")).contains(inode)) {
                                row = " " + table + ": " + line.trim();
                            }
                        }
                    } catch (IOException e) {
                        // that table is not there: look in the next
                    }
                }
            }
            out.add(t + row);
        }
        return out;
    }
}
