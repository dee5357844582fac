package io.weft.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Fails a test that leaves a socket, pipe or anonymous inode (epoll, eventfd) open, read from
 * {@code /proc/self/fd} before and after it. A JUnit extension here, where the other suites use
 * weft-testkit's {@code FileDescriptors} snapshots by hand; it could move there. Regular files are
 * left out: the class loader opens jars as it goes.
 */
final class SysFds implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SysFds.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("before", io());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Map<Integer, String> before = context.getStore(NS).get("before", Map.class);
        Map<Integer, String> now = io();
        now.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
        assertThat(now).as("descriptors left open by " + context.getDisplayName()).isEmpty();
    }

    /** The open sockets, pipes and anon inodes: descriptor to what it points at. */
    static Map<Integer, String> io() {
        Map<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
                        fds.put(Integer.parseInt(p.getFileName().toString()), target);
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the directory stream's own descriptor, say
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }
}
