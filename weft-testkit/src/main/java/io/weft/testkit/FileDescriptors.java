package io.weft.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The file descriptors this process has open, read from {@code /proc/self/fd} (Linux), and a
 * check that a block of code leaves none behind.
 *
 * <p>Counts are of the whole process: a test that checks for leaks should not run beside
 * other tests that open files. Threading: any thread.
 */
public final class FileDescriptors {
    private static final Path FD_DIR = Path.of("/proc/self/fd");
    /** How long {@link #assertNoLeak(Block)} waits for descriptors the JDK closes late. */
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(2);

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

    /** Code that may throw a checked exception {@code E}. */
    @FunctionalInterface
    public interface Block<E extends Exception> {
        void run() throws E;
    }

    /**
     * Runs {@code block} and fails with {@link AssertionError} if afterwards more descriptors
     * are open than before, naming what the new ones refer to. Allows {@link #DEFAULT_SETTLE}
     * for descriptors the JDK closes late (a socket closed while registered with a selector is
     * released at that selector's next select).
     */
    public static <E extends Exception> void assertNoLeak(Block<E> block) throws E {
        assertNoLeak(DEFAULT_SETTLE, block);
    }

    /** {@link #assertNoLeak(Block)} waiting at most {@code settle} for late closes. */
    public static <E extends Exception> void assertNoLeak(Duration settle, Block<E> block) throws E {
        Objects.requireNonNull(block, "block");
        SortedMap<Integer, String> before = open();
        block.run();
        long deadline = System.nanoTime() + settle.toNanos();
        SortedMap<Integer, String> after = open();
        while (after.size() > before.size() && System.nanoTime() - deadline < 0) {
            pause();
            after = open();
        }
        if (after.size() > before.size()) {
            throw new AssertionError((after.size() - before.size()) + " file descriptor(s) leaked: " + before.size()
                    + " open before, " + after.size() + " after (waited " + settle.toMillis()
                    + " ms for late closes); new or changed: " + difference(before, after));
        }
    }

    private static Map<Integer, String> difference(Map<Integer, String> before, Map<Integer, String> after) {
        Map<Integer, String> d = new TreeMap<>();
        after.forEach((fd, target) -> {
            if (!target.equals(before.get(fd))) {
                d.put(fd, target);
            }
        });
        return Collections.unmodifiableMap(d);
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for file descriptors to close", e);
        }
    }
}
