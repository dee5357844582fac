package io.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The clock on its own; with a loop, see {@link AutoJumpTest}. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ManualClockTest {

    @Test
    void timeMovesOnlyWhenTold() {
        ManualClock clock = new ManualClock();
        assertThat(clock.nanoTime()).isZero();
        assertThat(clock.nanoTime()).isZero();
        assertThat(clock.advance(Duration.ofMillis(5))).isEqualTo(5_000_000);
        assertThat(clock.nanoTime()).isEqualTo(5_000_000);
        clock.set(Duration.ofSeconds(1).toNanos());
        assertThat(clock.nanoTime()).isEqualTo(1_000_000_000);
        clock.set(Duration.ofSeconds(1).toNanos()); // standing still is allowed
        assertThat(clock.jumps()).isZero();
    }

    @Test
    void timeNeverGoesBackwards() {
        ManualClock clock = new ManualClock();
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> clock.set(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backwards");
        assertThatThrownBy(() -> clock.advance(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.nanoTime()).isEqualTo(1_000_000_000);
    }

    @Test
    void timeMayRunPastLongMaxValueAsNanoTimeDoes() {
        ManualClock clock = new ManualClock();
        clock.set(Long.MAX_VALUE);
        clock.advance(Duration.ofNanos(2));
        assertThat(clock.nanoTime()).isEqualTo(Long.MIN_VALUE + 1);
        assertThatThrownBy(() -> clock.set(Long.MAX_VALUE)).as("setting back to before the overflow")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void autoJumpSettings() {
        assertThat(new ManualClock().autoJumpThreshold()).isEmpty();
        assertThat(ManualClock.autoJump().autoJumpThreshold()).contains(Duration.ZERO);
        ManualClock clock = ManualClock.autoJump(Duration.ofMillis(5));
        assertThat(clock.autoJumpThreshold()).contains(Duration.ofMillis(5));
        clock.stopAutoJump();
        assertThat(clock.autoJumpThreshold()).isEmpty();
        assertThatThrownBy(() -> clock.setAutoJump(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherThreadsSeeEveryAdvanceInOrder() throws InterruptedException {
        ManualClock clock = new ManualClock();
        int advances = 200_000;
        AtomicInteger backwards = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                long last = 0;
                while (last < advances) {
                    long now = clock.nanoTime();
                    if (now < last) {
                        backwards.incrementAndGet();
                    }
                    last = now;
                }
            }));
        }
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < advances / 2; i++) {
                    clock.advance(Duration.ofNanos(1));
                }
            }));
        }
        for (Thread t : writers) {
            t.join();
        }
        for (Thread t : readers) {
            t.join();
        }
        assertThat(clock.nanoTime()).as("no advance lost").isEqualTo(advances);
        assertThat(backwards).as("reads that went backwards").hasValue(0);
    }

    @Test
    void aRealTimeClockRunsAtRealSpeedFromZero() throws InterruptedException {
        long realBefore = Clock.system().nanoTime();
        ManualClock clock = ManualClock.realTimeWithAutoJump(Duration.ofMillis(20));
        long first = clock.nanoTime();
        long realFrom = Clock.system().nanoTime();
        Thread.sleep(2);
        long realTo = Clock.system().nanoTime();
        long second = clock.nanoTime();
        long realAfter = Clock.system().nanoTime();

        assertThat(clock.isRealTime()).isTrue();
        assertThat(first).as("starts at zero").isBetween(0L, realFrom - realBefore);
        // Read between the two real readings inside, and within the two outside.
        assertThat(second - first).isBetween(realTo - realFrom, realAfter - realBefore);
        assertThat(clock.jumps()).isZero();
        assertThat(new ManualClock().isRealTime()).isFalse();
    }

    @Test
    void aRealTimeClockMovesFurtherWhenTold() {
        ManualClock clock = ManualClock.realTimeWithAutoJump(Duration.ZERO);
        long before = clock.nanoTime();
        long advanced = clock.advance(Duration.ofHours(1));
        assertThat(advanced - before).isGreaterThanOrEqualTo(Duration.ofHours(1).toNanos());
        long target = advanced + Duration.ofHours(1).toNanos();
        clock.set(target);
        assertThat(clock.nanoTime()).isGreaterThanOrEqualTo(target);
        assertThatThrownBy(() -> clock.set(target - 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backwards");
        assertThat(clock.nanoTime()).isGreaterThanOrEqualTo(target);
    }

    @Test
    void aRealTimeClockNeverGoesBackwardsWhileAdvancedFromOtherThreads() throws InterruptedException {
        ManualClock clock = ManualClock.realTimeWithAutoJump(Duration.ZERO);
        AtomicInteger backwards = new AtomicInteger();
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 100_000; i++) {
                clock.advance(Duration.ofNanos(1));
            }
        });
        long last = clock.nanoTime();
        while (writer.isAlive()) {
            long now = clock.nanoTime();
            if (now < last) {
                backwards.incrementAndGet();
            }
            last = now;
        }
        writer.join();
        assertThat(backwards).as("reads that went backwards").hasValue(0);
    }
}
