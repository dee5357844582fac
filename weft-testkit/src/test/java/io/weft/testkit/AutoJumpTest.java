package io.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.testkit.Loopback.SocketPair;
import io.weft.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A {@link ManualClock} driving a loop: jumping when idle, and never when there is work. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AutoJumpTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private final ExceptionRecorder errors = new ExceptionRecorder();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable r : resources.reversed()) {
            r.close();
        }
        errors.assertNone();
    }

    @Test
    void aOneHourTimerFiresAtOnce() {
        ManualClock clock = ManualClock.autoJump();
        EventLoop loop = loop(clock);
        Promise<Long> firedAt = loop.newPromise();
        loop.callLater(Duration.ofHours(1), () -> firedAt.complete(clock.nanoTime()));

        assertThat(Loops.runUntilComplete(loop, firedAt, LIMIT)).isEqualTo(Duration.ofHours(1).toNanos());
        assertThat(clock.jumps()).isEqualTo(1);
    }

    @Test
    void eachJumpLandsExactlyOnTheNextDeadline() {
        ManualClock clock = ManualClock.autoJump();
        EventLoop loop = loop(clock);
        List<Long> firedAt = new ArrayList<>();
        Promise<Void> done = loop.newPromise();
        loop.callLater(Duration.ofDays(1), () -> {
            firedAt.add(clock.nanoTime());
            done.complete(null);
        });
        loop.callLater(Duration.ofSeconds(1), () -> firedAt.add(clock.nanoTime()));
        loop.callLater(Duration.ofHours(1), () -> firedAt.add(clock.nanoTime()));
        loop.callLater(Duration.ofMinutes(1), () -> firedAt.add(clock.nanoTime()));

        Loops.runUntilComplete(loop, done, LIMIT);
        assertThat(firedAt).containsExactly(Duration.ofSeconds(1).toNanos(), Duration.ofMinutes(1).toNanos(),
                Duration.ofHours(1).toNanos(), Duration.ofDays(1).toNanos());
        assertThat(clock.jumps()).isEqualTo(4);
    }

    @Test
    void theClockDoesNotJumpWhileCallbacksAreReady() {
        ManualClock clock = ManualClock.autoJump();
        EventLoop loop = loop(clock);
        AtomicBoolean timerFired = new AtomicBoolean();
        loop.callLater(Duration.ofHours(1), () -> timerFired.set(true));
        Loops.runTurns(loop, 100); // a callback is ready every turn: never idle
        assertThat(timerFired).isFalse();
        assertThat(clock.nanoTime()).isZero();
    }

    @Test
    void withARealIdleThresholdIoArrivingDuringTheWaitRunsBeforeAnyJump() throws IOException {
        ManualClock clock = ManualClock.autoJump(Duration.ofSeconds(30));
        SocketPair s = track(Loopback.pair());
        // Starts the peer's write when the loop begins its idle wait, so the data arrives while
        // the loop is blocked in the kernel, well inside the 30 s real-idle threshold.
        Clock peerOnIdle = new ForwardingClock(clock) {
            @Override
            public long beforeIdle(long timeoutNanos) {
                Thread.ofPlatform().start(() -> write(s.client(), (byte) 7));
                return super.beforeIdle(timeoutNanos);
            }
        };
        EventLoop loop = loop(peerOnIdle);
        AtomicBoolean timerFired = new AtomicBoolean();
        loop.callLater(Duration.ofHours(1), () -> timerFired.set(true));
        Promise<Long> readAt = loop.newPromise();
        loop.addReader(s.server(), () -> {
            loop.removeReader(s.server());
            readAt.complete(clock.nanoTime());
        });

        assertThat(Loops.runUntilComplete(loop, readAt, LIMIT)).as("clock time when the data was read").isZero();
        assertThat(timerFired).isFalse();
        assertThat(clock.jumps()).isZero();
    }

    @Test
    void withARealIdleThresholdTheClockStillJumpsWhenNothingArrives() {
        ManualClock clock = ManualClock.autoJump(Duration.ofMillis(1));
        EventLoop loop = loop(clock);
        Promise<Long> firedAt = loop.newPromise();
        loop.callLater(Duration.ofHours(1), () -> firedAt.complete(clock.nanoTime()));
        assertThat(Loops.runUntilComplete(loop, firedAt, LIMIT)).isEqualTo(Duration.ofHours(1).toNanos());
        assertThat(clock.jumps()).isEqualTo(1);
    }

    @Test
    void withoutAutoJumpALoopNoticesAnAdvanceFromAnotherThread() throws InterruptedException {
        ManualClock clock = new ManualClock();
        EventLoop loop = track(EventLoop.start(config(clock).threadName("manual-clock-loop").build()));
        CountDownLatch scheduled = new CountDownLatch(1);
        CountDownLatch fired = new CountDownLatch(1);
        loop.execute(() -> {
            loop.callLater(Duration.ofHours(1), fired::countDown);
            scheduled.countDown();
        });
        assertThat(scheduled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(fired.getCount()).as("fired before any advance").isEqualTo(1);

        clock.advance(Duration.ofHours(1)); // no wakeup: the loop must look at the clock by itself
        assertThat(fired.await(10, TimeUnit.SECONDS)).as("timer fired after the advance").isTrue();
        assertThat(clock.jumps()).isZero();
    }

    @Test
    void stoppingALoopDuringItsIdleWaitDoesNotMoveTheClock() throws InterruptedException {
        // A long real-idle threshold: the loop sits in the kernel until stop() wakes it.
        ManualClock clock = ManualClock.autoJump(Duration.ofMinutes(1));
        CountDownLatch waitingForTimer = new CountDownLatch(1);
        Clock signalling = new ForwardingClock(clock) {
            @Override
            public long beforeIdle(long timeoutNanos) {
                long wait = super.beforeIdle(timeoutNanos);
                if (timeoutNanos > 0) {
                    waitingForTimer.countDown();
                }
                return wait;
            }
        };
        EventLoop loop = track(EventLoop.start(config(signalling).threadName("stopped-while-idle").build()));
        AtomicBoolean timerFired = new AtomicBoolean();
        loop.execute(() -> loop.callLater(Duration.ofHours(1), () -> timerFired.set(true)));
        assertThat(waitingForTimer.await(10, TimeUnit.SECONDS)).isTrue();

        loop.stop(); // wakes the loop: that is not "idle until the timer", so no jump
        loop.close(); // a started loop closes when stopped; this waits for it
        assertThat(timerFired).as("the timer ran").isFalse();
        assertThat(clock.nanoTime()).as("clock after stop()").isZero();
        assertThat(clock.jumps()).isZero();
    }

    @Test
    void onRealTimeAOneHourTimerFiresAfterTheGracePeriodWithOneJump() {
        ManualClock clock = ManualClock.realTimeWithAutoJump(Duration.ofMillis(1));
        EventLoop loop = loop(clock);
        Promise<Long> firedAt = loop.newPromise();
        loop.callLater(Duration.ofHours(1), () -> firedAt.complete(clock.nanoTime()));

        long fired = Loops.runUntilComplete(loop, firedAt, LIMIT);
        assertThat(fired).isGreaterThanOrEqualTo(Duration.ofHours(1).toNanos())
                .as("no more than the real time the test may take past the deadline")
                .isLessThan(Duration.ofHours(1).plus(LIMIT).toNanos());
        assertThat(clock.jumps()).isEqualTo(1);
    }

    @Test
    void onRealTimeTimersFireInDeadlineOrderEachNoEarlierThanItsDeadline() {
        ManualClock clock = ManualClock.realTimeWithAutoJump(Duration.ofMillis(1));
        EventLoop loop = loop(clock);
        long start = clock.nanoTime();
        List<String> order = new ArrayList<>();
        List<Long> late = new ArrayList<>();
        Promise<Void> done = loop.newPromise();
        for (Duration d : List.of(Duration.ofDays(1), Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofMinutes(1))) {
            loop.callLater(d, () -> {
                order.add(d.toString());
                late.add(clock.nanoTime() - start - d.toNanos());
                if (d.equals(Duration.ofDays(1))) {
                    done.complete(null);
                }
            });
        }
        Loops.runUntilComplete(loop, done, LIMIT);
        assertThat(order).containsExactly("PT1S", "PT1M", "PT1H", "PT24H");
        assertThat(late).allSatisfy(l -> assertThat(l).isNotNegative());
    }

    @Test
    void onRealTimeTheClockMovesWhileTheLoopIsBusy() {
        // Unlike the frozen clock (theClockDoesNotJumpWhileCallbacksAreReady), a timer here
        // fires while a callback is ready every turn and the loop is never idle.
        ManualClock clock = ManualClock.realTimeWithAutoJump(Duration.ofMinutes(1));
        EventLoop loop = loop(clock);
        Promise<Void> fired = loop.newPromise();
        loop.callLater(Duration.ofMillis(5), () -> fired.complete(null));
        loop.callSoon(new Runnable() {
            @Override
            public void run() {
                if (!fired.isDone()) {
                    loop.callSoon(this);
                }
            }
        });
        Loops.runUntilComplete(loop, fired, LIMIT);
        assertThat(clock.jumps()).as("jumps: the loop was never idle").isZero();
        assertThat(clock.nanoTime()).isGreaterThanOrEqualTo(Duration.ofMillis(5).toNanos());
    }

    @Test
    void onRealTimeIoArrivingDuringTheGracePeriodRunsBeforeAnyJump() throws IOException {
        ManualClock clock = ManualClock.realTimeWithAutoJump(Duration.ofSeconds(30));
        SocketPair s = track(Loopback.pair());
        Clock peerOnIdle = new ForwardingClock(clock) {
            @Override
            public long beforeIdle(long timeoutNanos) {
                Thread.ofPlatform().start(() -> write(s.client(), (byte) 7));
                return super.beforeIdle(timeoutNanos);
            }
        };
        EventLoop loop = loop(peerOnIdle);
        AtomicBoolean timerFired = new AtomicBoolean();
        loop.callLater(Duration.ofHours(1), () -> timerFired.set(true));
        Promise<Long> readAt = loop.newPromise();
        loop.addReader(s.server(), () -> {
            loop.removeReader(s.server());
            readAt.complete(clock.nanoTime());
        });

        assertThat(Loops.runUntilComplete(loop, readAt, LIMIT)).as("clock time when the data was read")
                .isLessThan(Duration.ofHours(1).toNanos());
        assertThat(timerFired).isFalse();
        assertThat(clock.jumps()).isZero();
    }

    private EventLoop loop(Clock clock) {
        return track(EventLoop.create(config(clock).build()));
    }

    private LoopConfig.Builder config(Clock clock) {
        return LoopConfig.builder().clock(clock).exceptionHandler(errors).debug(false).threadName("auto-jump-test");
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private static void write(java.nio.channels.SocketChannel ch, byte b) {
        try {
            ch.write(ByteBuffer.wrap(new byte[] {b}));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A clock that passes everything to another, for tests to hook into the idle calls. */
    static class ForwardingClock implements Clock {
        private final Clock delegate;

        ForwardingClock(Clock delegate) {
            this.delegate = delegate;
        }

        @Override
        public long nanoTime() {
            return delegate.nanoTime();
        }

        @Override
        public long beforeIdle(long timeoutNanos) {
            return delegate.beforeIdle(timeoutNanos);
        }

        @Override
        public void afterIdle(long timeoutNanos) {
            delegate.afterIdle(timeoutNanos);
        }
    }
}
