package io.weft.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts this process's sockets, pipes and other non-file descriptors in /proc/self/fd. Files
 * (jars the class loader opens lazily, say) are left out: they are not what a leak here would be.
 */
final class OpenFds {
    static {
        // The JDK opens one socketpair for the life of the process the first time a socket
        // channel is made (NIO's "pre-close" descriptor, dup2'd over sockets being closed).
        // Open it now, or the first test would count it as a leak.
        try {
            java.nio.channels.ServerSocketChannel.open().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private OpenFds() {
    }

    static List<String> list() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (!target.startsWith("/")) {
                        out.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // listed, then closed before we looked: not open
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Asserts no more are open than {@code before}, giving the JDK up to two seconds for
     * closes it defers (a channel closed while registered with a selector).
     */
    static void assertNoMoreThan(List<String> before) throws InterruptedException {
        List<String> now = list();
        for (int i = 0; i < 200 && now.size() > before.size(); i++) {
            Thread.sleep(10);
            now = list();
        }
        assertThat(now).as("descriptors open after the test (before: %s)", before).hasSizeLessThanOrEqualTo(before.size());
    }
}
