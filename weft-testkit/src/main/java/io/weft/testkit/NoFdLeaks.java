package io.weft.testkit;

import io.weft.testkit.FileDescriptors.Kind;
import io.weft.testkit.FileDescriptors.Snapshot;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that fails a test which leaves file descriptors open. It takes a
 * {@link FileDescriptors#snapshot snapshot} before the test's {@code @BeforeEach} methods and
 * checks it after its {@code @AfterEach} methods, so a loop made and closed there is inside the
 * window, and waits a settle period for descriptors closed late (a channel closed while
 * registered with a selector is released at that selector's next select or close).
 *
 * <pre>{@code
 * @ExtendWith(NoFdLeaks.class)          // every kind but jars, FileDescriptors.DEFAULT_SETTLE
 * class MyServerTest { ... }
 *
 * class MyLoopTest {
 *     @RegisterExtension
 *     static final NoFdLeaks FDS = NoFdLeaks.of(FileDescriptors.NOT_FILES, Duration.ofMillis(500));
 * }
 * }</pre>
 *
 * Linux only ({@code /proc/self/fd}); elsewhere it checks nothing. Tests that check for leaks
 * must not run in parallel with tests that open descriptors: the count is the process's.
 */
public final class NoFdLeaks implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoFdLeaks.class);

    private final Set<Kind> kinds;
    private final Duration settle;

    /** Watches every kind but jars ({@link FileDescriptors#NOT_JARS}), settling for {@link FileDescriptors#DEFAULT_SETTLE}. */
    public NoFdLeaks() {
        this(FileDescriptors.NOT_JARS, FileDescriptors.DEFAULT_SETTLE);
    }

    private NoFdLeaks(Set<Kind> kinds, Duration settle) {
        this.kinds = Set.copyOf(Objects.requireNonNull(kinds, "kinds"));
        this.settle = Objects.requireNonNull(settle, "settle");
        if (settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative: " + settle);
        }
    }

    /** Watches descriptors of {@code kinds}, waiting at most {@code settle} for late closes. */
    public static NoFdLeaks of(Set<Kind> kinds, Duration settle) {
        return new NoFdLeaks(kinds, settle);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put(Snapshot.class, FileDescriptors.snapshot(kinds));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Snapshot before = context.getStore(NS).get(Snapshot.class, Snapshot.class);
        if (before != null) {
            before.assertNoneLeaked(settle, context.getDisplayName());
        }
    }
}
