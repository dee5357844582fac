package io.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The extension on test classes of its own, run here through the JUnit launcher (the nested
 * classes are static, so neither Surefire nor the outer class's run picks them up).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NoFdLeaksTest {
    /** What a leaking test left open; closed after each test here. */
    static volatile Pipe leaked;
    static volatile FileChannel leakedFile;

    @AfterEach
    void closeWhatWasLeaked() throws IOException {
        if (leaked != null) {
            leaked.source().close();
            leaked.sink().close();
            leaked = null;
        }
        if (leakedFile != null) {
            leakedFile.close();
            leakedFile = null;
        }
    }

    @Test
    void aTestThatLeavesAPipeOpenFailsNamingIt() {
        List<TestExecutionSummary.Failure> failures = run(Leaks.class);
        assertThat(failures).singleElement().satisfies(f -> assertThat(f.getException())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("2 file descriptor(s) leaked by opensAPipe()")
                .hasMessageContaining("pipe:["));
    }

    @Test
    void aTestThatClosesWhatItOpensPasses() {
        assertThat(run(Clean.class)).isEmpty();
    }

    @Test
    void aCloseWithinTheSettlePeriodIsNotALeak() {
        assertThat(run(ClosesLate.class)).isEmpty();
    }

    @Test
    void aLeakInsideAfterEachIsCaughtToo() {
        assertThat(run(LeaksInAfterEach.class)).singleElement()
                .satisfies(f -> assertThat(f.getException()).hasMessageContaining("pipe:["));
    }

    @Test
    void onlyTheKindsAskedForAreWatched() {
        assertThat(run(LeaksAFileWatchingOnlyIo.class)).isEmpty();
        closeFile();
        assertThat(run(LeaksAFile.class)).singleElement()
                .satisfies(f -> assertThat(f.getException()).hasMessageContaining("/dev/null"));
    }

    private static void closeFile() {
        try {
            leakedFile.close();
            leakedFile = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<TestExecutionSummary.Failure> run(Class<?> testClass) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTestsStartedCount()).as("tests run in " + testClass.getSimpleName()).isEqualTo(1);
        return summary.getFailures();
    }

    static Pipe openPipe() {
        try {
            return Pipe.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ExtendWith(NoFdLeaks.class)
    static class Leaks {
        @Test
        void opensAPipe() {
            leaked = openPipe();
        }
    }

    @ExtendWith(NoFdLeaks.class)
    static class Clean {
        @Test
        void opensAndClosesAPipe() throws IOException {
            Pipe p = openPipe();
            p.source().close();
            p.sink().close();
        }
    }

    @ExtendWith(NoFdLeaks.class)
    static class ClosesLate {
        @Test
        void leavesAPipeToAnotherThreadThatClosesItSoon() {
            Pipe p = openPipe();
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(Duration.ofMillis(50));
                    p.source().close();
                    p.sink().close();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    @ExtendWith(NoFdLeaks.class)
    static class LeaksInAfterEach {
        @Test
        void passes() {
        }

        @AfterEach
        void opensAPipe() {
            leaked = openPipe();
        }
    }

    static class LeaksAFileWatchingOnlyIo {
        @RegisterExtension
        static final NoFdLeaks FDS = NoFdLeaks.of(FileDescriptors.NOT_FILES, Duration.ZERO);

        @Test
        void opensDevNull() throws IOException {
            leakedFile = FileChannel.open(Path.of("/dev/null"));
        }
    }

    static class LeaksAFile {
        @RegisterExtension
        static final NoFdLeaks FDS = NoFdLeaks.of(FileDescriptors.NOT_JARS, Duration.ZERO);

        @Test
        void opensDevNull() throws IOException {
            leakedFile = FileChannel.open(Path.of("/dev/null"));
        }
    }
}
