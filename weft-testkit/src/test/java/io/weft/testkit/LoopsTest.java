package io.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The test kit's run helpers and exception recorder. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopsTest {
    private final ExceptionRecorder errors = new ExceptionRecorder();

    private EventLoop loop() {
        return EventLoop.create(LoopConfig.builder().clock(new ManualClock()).exceptionHandler(errors).debug(false).build());
    }

    @Test
    void runTurnsRunsExactlyThatManyTurns() {
        try (EventLoop loop = loop()) {
            Loops.runTurns(loop, 5);
            assertThat(loop.stats().turns()).isEqualTo(5);
            Loops.runTurns(loop, 1);
            assertThat(loop.stats().turns()).isEqualTo(6);
        }
        errors.assertNone();
    }

    @Test
    void runUntilCompleteFailsOnceTheRealTimeLimitHasPassed() {
        try (EventLoop loop = loop()) {
            Promise<String> never = loop.newPromise();
            assertThatThrownBy(() -> Loops.runUntilComplete(loop, never, Duration.ofMillis(50)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("50 ms");
            assertThat(loop.isRunning()).isFalse();
        }
    }

    @Test
    void exceptionRecorderKeepsReportsAndFailsTheTestWithThem() {
        ExceptionRecorder recorder = new ExceptionRecorder();
        recorder.assertNone();
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");
        try (EventLoop loop = loop()) {
            recorder.handle(loop, "callback one", first);
            recorder.handle(loop, "callback two", second);
        }
        assertThat(recorder.reports()).extracting(ExceptionRecorder.Report::context).containsExactly("callback one", "callback two");
        assertThat(recorder.errors(IllegalArgumentException.class)).containsExactly(second);
        assertThatThrownBy(recorder::assertNone).isInstanceOf(AssertionError.class)
                .hasMessageContaining("callback one").hasCause(first)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));
        recorder.clear();
        recorder.assertNone();
    }
}
