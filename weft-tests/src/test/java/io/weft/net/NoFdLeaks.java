package io.weft.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves file descriptors open: lists {@code /proc/self/fd} before the test's
 * {@code @BeforeEach} methods and after its {@code @AfterEach} methods (so a loop made and closed
 * there is inside the window). Jar files the class loader opens on first use are not leaks and
 * are left out. Linux only; elsewhere it checks nothing.
 */
final class NoFdLeaks implements BeforeEachCallback, AfterEachCallback {
    private static final Path FD_DIR = Path.of("/proc/self/fd");
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoFdLeaks.class);

    static {
        // Descriptors the JDK opens on first use and keeps for the life of the process, made
        // here so they are not taken for leaks: the socket sun.nio.ch.UnixDispatcher.init
        // dup2s over a socket closed while a thread is blocked in it, and /dev/random and
        // /dev/urandom that NativePRNG holds (temporary file names come from it).
        try {
            java.nio.channels.DatagramChannel.open().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        new java.security.SecureRandom().nextInt();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (Files.isDirectory(FD_DIR)) {
            context.getStore(NS).put("before", open());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        @SuppressWarnings("unchecked")
        Map<Integer, String> before = context.getStore(NS).get("before", Map.class);
        if (before == null) {
            return;
        }
        Map<Integer, String> leaked = leaked(before);
        // A channel closed while registered with a selector is released at the selector's
        // next select or close; give the JDK a moment for that before calling it a leak.
        for (int i = 0; i < 100 && !leaked.isEmpty(); i++) {
            Thread.sleep(10);
            leaked = leaked(before);
        }
        if (!leaked.isEmpty()) {
            throw new AssertionError("file descriptors leaked by " + context.getDisplayName() + ": " + leaked);
        }
    }

    private static Map<Integer, String> leaked(Map<Integer, String> before) {
        Map<Integer, String> now = open();
        now.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())) || e.getValue().endsWith(".jar"));
        return now;
    }

    /** Open descriptors and what each points at, without the one listing the directory. */
    static Map<Integer, String> open() {
        Map<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(FD_DIR)) {
            for (Path p : dir) {
                try {
                    fds.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (NoSuchFileException closedMeanwhile) {
                    // gone while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
        fds.values().removeIf(listing::equals);
        return fds;
    }
}
