package io.weft.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.testkit.EveryBackend;
import org.junit.jupiter.params.Parameter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loop per test on the poller {@link #poller()} names, a temporary directory, and waits that
 * run the loop with a real-time watchdog. Teardown checks that nothing reached the loop's
 * exception handler and that no descriptor under the temporary directory is left open.
 */
@EveryBackend
abstract class FileTestSupport {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "file-test-watchdog");
        t.setDaemon(true);
        return t;
    });

    @TempDir
    Path dir;
    EventLoop loop;
    final List<String> reports = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean watchdogFired;

    /** The backend under test, injected by {@link EveryBackend}. */
    @Parameter
    PollerKind backend;

    PollerKind poller() {
        return backend;
    }

    @BeforeEach
    final void openLoop() {
        loop = EventLoop.create(LoopConfig.builder().poller(poller())
                .exceptionHandler((l, context, error) -> reports.add(context + ": " + error)).build());
    }

    @AfterEach
    final void closeLoop() throws Exception {
        loop.close();
        assertThat(reports).as("exceptions reported to the loop's handler").isEmpty();
        assertThat(openUnder(dir)).as("descriptors still open under the test directory").isEmpty();
    }

    /** This process's descriptors that point under {@code root}. */
    static List<String> openUnder(Path root) throws Exception {
        List<String> out = new ArrayList<>();
        String prefix = root.toRealPath().toString();
        try (var fds = java.nio.file.Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        out.add(fd.getFileName() + " -> " + target);
                    }
                } catch (java.io.IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return out;
    }

    <T> T await(Promise<T> p) {
        ScheduledFuture<?> dog = WATCHDOG.schedule(() -> {
            watchdogFired = true;
            loop.stop();
        }, 30, TimeUnit.SECONDS);
        try {
            return loop.runUntilComplete(p);
        } catch (IllegalStateException e) {
            if (watchdogFired) {
                throw new AssertionError("still waiting after 30 s for " + p, e);
            }
            throw e;
        } finally {
            dog.cancel(false);
        }
    }

    Throwable awaitFailure(Promise<?> p) {
        try {
            Object v = await(p);
            throw new AssertionError("expected a failure, got " + v);
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** Opens {@code path} with {@code options} and waits for it. */
    AsyncFile open(Path path, FileOption... options) {
        return await(AsyncFile.open(loop, path, options));
    }

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt();
        }
        return b;
    }

    Promise<Void> after(Duration d) {
        Promise<Void> p = loop.newPromise();
        loop.callLater(d, () -> p.complete(null));
        return p;
    }
}
