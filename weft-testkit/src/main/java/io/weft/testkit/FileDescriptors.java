package io.weft.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The file descriptors this process has open, read from {@code /proc/self/fd} (Linux), sorted
 * by {@link Kind}, and checks that code leaves none behind: {@link #snapshot(Set)} before, then
 * {@link Snapshot#assertNoneLeaked(Duration)} after, or {@link #assertNoLeak(Block)} around a
 * block, or the {@link NoFdLeaks} extension around every test of a class.
 *
 * <p>A leak check fails when a descriptor of the kinds it watches is open afterwards that was
 * not open before: a new number, or a number that now points elsewhere. That is stricter than
 * comparing counts, which a late close of an older descriptor can balance. Which kinds to watch:
 * {@link #NOT_FILES} for I/O code (sockets, pipes, epoll, eventfd, io_uring: what a transport,
 * server or loop can leak); {@link #NOT_JARS} to include files too; {@link #ALL} only where the
 * test runs after every jar it needs is open, because the class loader opens jars lazily and
 * keeps them.
 *
 * <p>Counts are of the whole process: a test that checks for leaks should not run beside other
 * tests that open descriptors. Threading: any thread.
 */
public final class FileDescriptors {
    private static final Path FD_DIR = Path.of("/proc/self/fd");
    /** How long a leak check waits, by default, for descriptors closed late. */
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(2);

    /** What a descriptor refers to, from the target of its {@code /proc/self/fd} link. */
    public enum Kind {
        /** {@code socket:[inode]}: TCP, UDP or Unix domain. */
        SOCKET,
        /** {@code pipe:[inode]}: a pipe end (a JDK {@code Pipe}, a wakeup pipe). */
        PIPE,
        /** {@code anon_inode:[eventpoll]}: an epoll instance (a JDK selector, a native epoll loop). */
        EPOLL,
        /** {@code anon_inode:[eventfd]}: an eventfd (a loop's or a selector's wakeup). */
        EVENTFD,
        /** {@code anon_inode:[io_uring]}: an io_uring instance. */
        IO_URING,
        /** Any other anonymous inode: timerfd, signalfd, pidfd, inotify... */
        ANON_INODE,
        /** A path ending in {@code .jar}: opened by the class loader, lazily, for good. */
        JAR,
        /** Any other path: a file, a directory, a device ({@code /dev/null}). */
        FILE,
        /** Anything else ({@code net:[...]} namespaces, say). */
        OTHER;

        /** The kind of the descriptor whose link points at {@code target}. */
        public static Kind of(String target) {
            if (target.startsWith("socket:")) {
                return SOCKET;
            }
            if (target.startsWith("pipe:")) {
                return PIPE;
            }
            if (target.startsWith("anon_inode:")) {
                String name = target.substring("anon_inode:".length());
                return switch (name) {
                    case "[eventpoll]" -> EPOLL;
                    case "[eventfd]" -> EVENTFD;
                    case "[io_uring]" -> IO_URING;
                    default -> ANON_INODE;
                };
            }
            if (target.startsWith("/")) {
                return target.endsWith(".jar") ? JAR : FILE;
            }
            return OTHER;
        }
    }

    /** Every kind but paths: what I/O code can leak, and what it cannot open by loading a class. */
    public static final Set<Kind> NOT_FILES = Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(Kind.JAR, Kind.FILE)));
    /** Every kind but jars. */
    public static final Set<Kind> NOT_JARS = Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(Kind.JAR)));
    /** Every kind. */
    public static final Set<Kind> ALL = Collections.unmodifiableSet(EnumSet.allOf(Kind.class));

    private static boolean warm; // guarded by FileDescriptors.class

    private FileDescriptors() {
    }

    /** Whether this platform lists descriptors in {@code /proc/self/fd}. */
    public static boolean supported() {
        return Files.isDirectory(FD_DIR);
    }

    /** The number of open file descriptors. */
    public static int count() {
        return open().size();
    }

    /** The number of open file descriptors of {@code kinds}. */
    public static int count(Set<Kind> kinds) {
        return open(kinds).size();
    }

    /** How many descriptors of each kind are open; kinds with none are left out. */
    public static Map<Kind, Integer> countByKind() {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        open().values().forEach(target -> counts.merge(Kind.of(target), 1, Integer::sum));
        return Collections.unmodifiableMap(counts);
    }

    /**
     * The open file descriptors and what each refers to ({@code socket:[123]},
     * {@code anon_inode:[eventpoll]}, a path...). The descriptor used to read the list is left out.
     */
    public static SortedMap<Integer, String> open() {
        if (!supported()) {
            throw new UnsupportedOperationException("no " + FD_DIR + " on this platform; fd counting needs Linux");
        }
        SortedMap<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(FD_DIR)) {
            for (Path p : dir) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (NoSuchFileException closedMeanwhile) {
                    continue;
                }
                fds.put(Integer.parseInt(p.getFileName().toString()), target);
            }
            // The directory stream holds descriptors of its own (the JDK opens the directory
            // twice): leave out whatever points at /proc/<pid>/fd.
            String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
            fds.values().removeIf(listing::equals);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + FD_DIR, e);
        }
        return fds;
    }

    /** The open file descriptors of {@code kinds}, as {@link #open()} gives them. */
    public static SortedMap<Integer, String> open(Set<Kind> kinds) {
        Objects.requireNonNull(kinds, "kinds");
        SortedMap<Integer, String> fds = open();
        fds.values().removeIf(target -> !kinds.contains(Kind.of(target)));
        return fds;
    }

    /**
     * {@code fds} one a line, each socket with its row in {@code /proc/net} (protocol,
     * addresses, state) where the kernel shows one, to tell which socket leaked.
     */
    public static String describe(Map<Integer, String> fds) {
        return SocketTable.read().describe(fds);
    }

    /**
     * Makes the JDK open, now, the descriptors it keeps for the life of the process once some
     * code path first needs them, so that no leak check blames a test for them: the socket NIO
     * dup2s over sockets being closed (made with the first socket channel), the epoll instances
     * behind virtual threads that block on sockets, and the random devices {@link SecureRandom}
     * holds. Once per process; {@link #snapshot} calls it.
     */
    public static synchronized void warmUp() {
        // Not in a static initialiser: the virtual thread below runs code of this class and
        // would wait for that initialiser to finish.
        if (warm) {
            return;
        }
        warm = true;
        try {
            DatagramChannel.open().close();
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                Thread client = Thread.ofVirtual().name("weft-fd-warm-up").start(() -> {
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
            }
        } catch (IOException e) {
            throw new UncheckedIOException("warming up the JDK's sockets", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        new SecureRandom().nextInt();
    }

    /**
     * The open descriptors of {@code kinds}, to check against later with
     * {@link Snapshot#assertNoneLeaked}. Warms up first ({@link #warmUp}). Where this platform
     * has no {@code /proc/self/fd} (not Linux) the snapshot is empty and checks nothing, so a
     * suite still runs there; {@link #supported()} says which.
     */
    public static Snapshot snapshot(Set<Kind> kinds) {
        Set<Kind> watched = Collections.unmodifiableSet(EnumSet.copyOf(Objects.requireNonNull(kinds, "kinds")));
        if (!supported()) {
            return new Snapshot(watched, null);
        }
        warmUp();
        awaitFirstUse();
        return new Snapshot(watched, Collections.unmodifiableSortedMap(open(watched)));
    }

    /** Code that may throw a checked exception {@code E}. */
    @FunctionalInterface
    public interface Block<E extends Exception> {
        void run() throws E;
    }

    /**
     * Runs {@code block} and fails with {@link AssertionError} if afterwards a descriptor other
     * than a jar is open that was not open before, naming what the new ones refer to. Allows
     * {@link #DEFAULT_SETTLE} for descriptors the JDK closes late (a socket closed while
     * registered with a selector is released at that selector's next select).
     */
    public static <E extends Exception> void assertNoLeak(Block<E> block) throws E {
        assertNoLeak(DEFAULT_SETTLE, block);
    }

    /** {@link #assertNoLeak(Block)} waiting at most {@code settle} for late closes. */
    public static <E extends Exception> void assertNoLeak(Duration settle, Block<E> block) throws E {
        Objects.requireNonNull(block, "block");
        Snapshot before = snapshot(NOT_JARS);
        block.run();
        before.assertNoneLeaked(settle);
    }

    /**
     * The descriptors of some kinds that were open at one moment. Immutable; any thread.
     */
    public static final class Snapshot {
        private final Set<Kind> kinds;
        /** Null where the platform cannot list descriptors: then nothing is checked. */
        private final SortedMap<Integer, String> fds;

        private Snapshot(Set<Kind> kinds, SortedMap<Integer, String> fds) {
            this.kinds = kinds;
            this.fds = fds;
        }

        /** The kinds this snapshot holds and checks. */
        public Set<Kind> kinds() {
            return kinds;
        }

        /** The descriptors that were open, by number; empty where the platform cannot list them. */
        public SortedMap<Integer, String> descriptors() {
            return fds == null ? Collections.emptySortedMap() : fds;
        }

        /**
         * The descriptors of this snapshot's kinds open now that it does not hold: numbers that
         * were not open then, or that point elsewhere now.
         */
        public SortedMap<Integer, String> openedSince() {
            if (fds == null) {
                return Collections.emptySortedMap();
            }
            SortedMap<Integer, String> now = open(kinds);
            now.entrySet().removeIf(e -> e.getValue().equals(fds.get(e.getKey())));
            return now;
        }

        /** {@link #assertNoneLeaked(Duration)} with {@link #DEFAULT_SETTLE}. */
        public void assertNoneLeaked() {
            assertNoneLeaked(DEFAULT_SETTLE);
        }

        /**
         * Fails with {@link AssertionError} if a descriptor of this snapshot's kinds is open that
         * it does not hold ({@link #openedSince()}), after waiting at most {@code settle} for
         * such descriptors to close (zero: look once). The message lists each one, sockets with
         * their addresses and state.
         */
        public void assertNoneLeaked(Duration settle) {
            assertNoneLeaked(settle, null);
        }

        /** {@link #assertNoneLeaked(Duration)}, naming {@code what} (a test) in the message. */
        public void assertNoneLeaked(Duration settle, String what) {
            if (settle.isNegative()) {
                throw new IllegalArgumentException("settle must not be negative: " + settle);
            }
            awaitFirstUse();
            long deadline = System.nanoTime() + settle.toNanos();
            SortedMap<Integer, String> leaked = openedSince();
            while (!leaked.isEmpty() && System.nanoTime() - deadline < 0) {
                pause();
                leaked = openedSince();
            }
            if (!leaked.isEmpty()) {
                throw new AssertionError(leaked.size() + " file descriptor(s) leaked" + (what == null ? "" : " by " + what)
                        + " (of kinds " + kinds + "; " + fds.size() + " were open before, waited " + settle.toMillis()
                        + " ms for late closes); open now and not before:\n" + describe(leaked));
            }
        }

        @Override
        public String toString() {
            return "FileDescriptors.Snapshot" + kinds + (fds == null ? "(unsupported here)" : descriptors());
        }
    }

    /**
     * Waits (10 s at most) for Weft's once-per-process preparation thread, "weft-first-use", which
     * the first loop to open starts: it runs a private loop for a moment (the file path's
     * rehearsal), whose descriptors belong to no test. Started after a snapshot and still running
     * at the check, they would be blamed on the test; waited for on both sides, they are in
     * neither.
     */
    private static void awaitFirstUse() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("weft-first-use")) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for file descriptors to close", e);
        }
    }
}
