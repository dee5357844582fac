package io.weft.testkit.loop;

import static io.weft.testkit.loop.LoopFixture.ms;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import io.weft.testkit.Loops;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timers on the manual clock: ordering, deadlines, cancellation, and a million of them. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerTest {
    private final LoopFixture f = new LoopFixture();

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void timersFireInDeadlineOrder() {
        EventLoop loop = f.loop();
        List<String> fired = new ArrayList<>();
        loop.callLater(ms(30), () -> fired.add("30"));
        loop.callLater(ms(10), () -> fired.add("10"));
        loop.callAt(loop.time() + ms(20).toNanos(), () -> fired.add("20"));
        loop.callLater(ms(15), () -> fired.add("15"));

        f.clock.advance(ms(100));
        Loops.runTurns(loop, 1);
        assertThat(fired).containsExactly("10", "15", "20", "30");
    }

    @Test
    void aTimerFiresOnTheFirstTurnAtItsDeadlineAndNotBefore() {
        EventLoop loop = f.loop();
        AtomicInteger fired = new AtomicInteger();
        TimerHandle h = loop.callLater(ms(10), fired::incrementAndGet);
        assertThat(h.when()).isEqualTo(ms(10).toNanos());

        f.clock.advance(ms(10).minusNanos(1));
        Loops.runTurns(loop, 3);
        assertThat(fired).as("fired 1 ns before the deadline").hasValue(0);

        f.clock.advance(Duration.ofNanos(1));
        Loops.runTurns(loop, 1);
        assertThat(fired).as("fired at the deadline").hasValue(1);
        Loops.runTurns(loop, 2);
        assertThat(fired).as("a timer fires once").hasValue(1);
        assertThat(loop.stats().pendingTimers()).isZero();
    }

    @Test
    void equalDeadlinesRunInSchedulingOrder() {
        EventLoop loop = f.loop();
        List<Integer> order = new ArrayList<>();
        long when = loop.time() + ms(5).toNanos();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            if (i % 2 == 0) {
                loop.callAt(when, () -> order.add(n));
            } else {
                loop.callLater(ms(5), () -> order.add(n)); // the same deadline: the clock stands still
            }
        }
        f.clock.advance(ms(5));
        Loops.runTurns(loop, 1);
        assertThat(order).containsExactlyElementsOf(IntStream.range(0, 1000).boxed().toList());
    }

    @Test
    void aTimerDueInThePastRunsOnTheNextTurn() {
        EventLoop loop = f.loop();
        f.clock.advance(Duration.ofSeconds(1));
        AtomicInteger fired = new AtomicInteger();
        loop.callAt(0, fired::incrementAndGet);
        loop.callLater(Duration.ofSeconds(-5), fired::incrementAndGet);
        Loops.runTurns(loop, 1);
        assertThat(fired).hasValue(2);
    }

    @Test
    void aCancelledTimerNeverRunsAndLeavesTheQueueAtOnce() {
        EventLoop loop = f.loop();
        AtomicInteger fired = new AtomicInteger();
        TimerHandle h = loop.callLater(ms(10), fired::incrementAndGet);
        assertThat(loop.stats().pendingTimers()).isEqualTo(1);

        h.cancel();
        assertThat(h.isCancelled()).isTrue();
        assertThat(loop.stats().pendingTimers()).isZero();
        h.cancel(); // idempotent

        f.clock.advance(Duration.ofSeconds(1));
        Loops.runTurns(loop, 2);
        assertThat(fired).hasValue(0);
    }

    @Test
    void aTimerCancelledFromAnotherThreadNeverRuns() throws InterruptedException {
        EventLoop loop = f.loop();
        AtomicInteger fired = new AtomicInteger();
        TimerHandle h = loop.callLater(ms(10), fired::incrementAndGet);
        Thread canceller = Thread.ofPlatform().start(h::cancel);
        canceller.join();

        f.clock.advance(Duration.ofSeconds(1));
        Loops.runTurns(loop, 2);
        assertThat(fired).hasValue(0);
        assertThat(loop.stats().pendingTimers()).as("pending after the cross-thread removal ran").isZero();
    }

    @Test
    void aMillionTimersAddedAndCancelledLeaveNothingPending() {
        int n = 1_000_000;
        EventLoop loop = f.loop();
        AtomicInteger fired = new AtomicInteger();
        Runnable count = fired::incrementAndGet;
        Random random = new Random(42);
        TimerHandle[] handles = new TimerHandle[n];
        for (int i = 0; i < n; i++) {
            handles[i] = loop.callLater(ms(1 + random.nextInt(60_000)), count);
        }
        assertThat(loop.stats().pendingTimers()).isEqualTo(n);

        // Cancel in random order, so removals come from everywhere in the queue.
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            TimerHandle t = handles[i];
            handles[i] = handles[j];
            handles[j] = t;
        }
        for (int i = 0; i < n; i++) {
            handles[i].cancel();
            if (i == n / 2) {
                assertThat(loop.stats().pendingTimers()).as("pending halfway").isEqualTo(n - i - 1);
            }
        }
        assertThat(loop.stats().pendingTimers()).isZero();

        f.clock.advance(Duration.ofMinutes(2));
        Loops.runTurns(loop, 2);
        assertThat(fired).as("cancelled timers that ran").hasValue(0);

        // The queue still works after shrinking back.
        loop.callLater(ms(1), count);
        f.clock.advance(ms(1));
        Loops.runTurns(loop, 1);
        assertThat(fired).hasValue(1);
    }

    @Test
    void timersKeepTheirOrderAcrossNanoTimeOverflow() {
        EventLoop loop = f.loop();
        f.clock.set(Long.MAX_VALUE - ms(5).toNanos());
        List<String> fired = new ArrayList<>();
        loop.callLater(ms(10), () -> fired.add("10"));
        loop.callLater(ms(3), () -> fired.add("3"));
        loop.callLater(ms(20), () -> fired.add("20"));

        f.clock.advance(ms(12)); // now past Long.MAX_VALUE: negative, and still later
        Loops.runTurns(loop, 1);
        assertThat(fired).containsExactly("3", "10");
        f.clock.advance(ms(10));
        Loops.runTurns(loop, 1);
        assertThat(fired).containsExactly("3", "10", "20");
    }
}
