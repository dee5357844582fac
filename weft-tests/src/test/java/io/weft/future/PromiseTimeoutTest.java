package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.loop.EventLoop;
import io.weft.testkit.ManualClock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** withTimeout, on a loop whose clock only the test (or an idle loop's jump) moves. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromiseTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final TestLoop t = new TestLoop();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void failsWithTimeoutExceptionAtTheDeadlineAndCancelsTheSource() {
        Promise<String> source = t.promise();
        long start = t.loop().time();
        Promise<String> timed = source.withTimeout(TIMEOUT);

        assertThatThrownBy(() -> t.run(timed))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(TimeoutException.class).hasMessageContaining("5000 ms");
        assertThat(t.loop().time() - start).as("loop time at expiry").isEqualTo(TIMEOUT.toNanos());
        assertThat(source.isCancelled()).isTrue();
        assertThat(timed.isCancelled()).as("a timeout is a failure, not a cancellation").isFalse();
    }

    @Test
    void doesNotFireBeforeTheDeadline() {
        Promise<String> source = t.promise();
        Promise<String> timed = source.withTimeout(TIMEOUT);

        t.clock.advance(TIMEOUT.minusNanos(1));
        t.turns(3);
        assertThat(timed.isDone()).isFalse();
        assertThat(source.isDone()).isFalse();

        t.clock.advance(Duration.ofNanos(1));
        t.turns(3);
        assertThat(timed.cause()).isInstanceOf(TimeoutException.class);
        assertThat(source.isCancelled()).isTrue();
    }

    @Test
    void doesNotFireWhenTheSourceCompletesInTime() {
        Promise<String> source = t.promise();
        Promise<String> timed = source.withTimeout(TIMEOUT);
        t.loop().callLater(TIMEOUT.minusMillis(1), () -> source.complete("in time"));

        assertThat(t.run(timed)).isEqualTo("in time");
        t.turns(1);
        assertThat(t.loop().stats().pendingTimers()).as("the timeout's timer is cancelled").isZero();

        // Well past the deadline now: nothing changes.
        Promise<Void> later = t.promise();
        t.loop().callLater(TIMEOUT.multipliedBy(3), () -> later.complete(null));
        t.run(later);
        assertThat(timed.resultNow()).isEqualTo("in time");
        assertThat(source.isCancelled()).isFalse();
        assertThat(t.reports).isEmpty();
    }

    @Test
    void passesASourceFailureThroughBeforeTheDeadline() {
        Promise<String> source = t.promise();
        Promise<String> timed = source.withTimeout(TIMEOUT);
        RuntimeException boom = new RuntimeException("boom");
        t.loop().callLater(Duration.ofSeconds(1), () -> source.fail(boom));

        assertThatThrownBy(() -> t.run(timed)).hasCause(boom);
        t.turns(1);
        assertThat(t.loop().stats().pendingTimers()).isZero();
    }

    @Test
    void ofADonePromiseSettlesLikeItAndLeavesNoTimer() {
        Promise<String> timed = Promise.completed(t.loop(), "v").withTimeout(TIMEOUT);

        assertThat(t.run(timed)).isEqualTo("v");
        t.turns(1);
        assertThat(t.loop().stats().pendingTimers()).isZero();
    }

    @Test
    void aZeroTimeoutOnADonePromiseStillGivesItsValue() {
        Promise<String> timed = Promise.completed(t.loop(), "v").withTimeout(Duration.ZERO);

        assertThat(t.run(timed)).isEqualTo("v");
    }

    @Test
    void cancellingTheTimedPromiseCancelsTheSourceAndTheTimer() {
        Promise<String> source = t.promise();
        Promise<String> timed = source.withTimeout(TIMEOUT);
        t.turns(1);

        timed.cancel();

        assertThat(source.isCancelled()).isTrue();
        t.turns(2);
        assertThat(t.loop().stats().pendingTimers()).isZero();
        assertThatThrownBy(() -> t.run(timed)).isInstanceOf(CancellationException.class);
    }

    @Test
    void aCancelledSourceCancelsTheTimedPromise() {
        Promise<String> source = t.promise();
        Promise<String> timed = source.withTimeout(TIMEOUT);

        source.cancel();

        assertThatThrownBy(() -> t.run(timed)).isInstanceOf(CancellationException.class);
        assertThat(timed.isCancelled()).isTrue();
    }

    @Test
    void worksWhenCalledFromAnotherThread() {
        ManualClock clock = TestLoop.newClock();
        try (EventLoop loop = EventLoop.start(TestLoop.baseConfig().clock(clock).build())) {
            Promise<String> source = loop.newPromise();

            // The idle loop thread jumps its clock to the deadline: no real waiting.
            Promise<String> timed = source.withTimeout(Duration.ofHours(1));

            assertThatThrownBy(timed::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
            // The source is cancelled just after the timed promise fails, on the loop thread.
            assertThatThrownBy(source::join).isInstanceOf(CancellationException.class);
        }
    }
}
