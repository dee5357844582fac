package io.weft.testkit.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopClosedException;
import io.weft.testkit.FileDescriptors;
import io.weft.testkit.Loops;
import io.weft.testkit.ManualClock;
import java.io.IOException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** runForever, stop, runUntilComplete, close, and what a closed loop does. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LifecycleTest {
    private final LoopFixture f = new LoopFixture();

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void runForeverRunsUntilStop() {
        EventLoop loop = f.loop();
        AtomicBoolean runningInside = new AtomicBoolean();
        loop.callSoon(() -> {
            runningInside.set(loop.isRunning());
            loop.stop();
        });
        assertThat(loop.isRunning()).isFalse();
        loop.runForever();
        assertThat(runningInside).isTrue();
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void stopFromAnotherThreadEndsABlockedRunForever() {
        EventLoop loop = f.loop();
        // No timers and no I/O: without the stop the loop would wait in the kernel forever.
        loop.callSoon(() -> Thread.ofPlatform().start(loop::stop));
        loop.runForever();
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void aStoppedLoopRunsAgain() {
        EventLoop loop = f.loop();
        loop.callSoon(loop::stop);
        loop.runForever();
        AtomicBoolean secondRun = new AtomicBoolean();
        loop.callSoon(() -> secondRun.set(true));
        loop.callSoon(loop::stop);
        loop.runForever();
        assertThat(secondRun).isTrue();
    }

    @Test
    void runUntilCompleteReturnsTheValue() {
        EventLoop loop = f.loop(f.config().clock(ManualClock.autoJump()));
        Promise<String> p = loop.newPromise();
        loop.callLater(Duration.ofMinutes(5), () -> p.complete("done"));
        assertThat(loop.runUntilComplete(p)).isEqualTo("done");
        assertThat(loop.isRunning()).isFalse();
        assertThat(loop.runUntilComplete(Promise.completed(loop, "already"))).isEqualTo("already");
    }

    @Test
    void runUntilCompleteThrowsTheFailureOrTheCancellation() {
        EventLoop loop = f.loop();
        Promise<String> failing = loop.newPromise();
        IOException cause = new IOException("failed on purpose");
        loop.callSoon(() -> failing.fail(cause));
        assertThatThrownBy(() -> loop.runUntilComplete(failing))
                .isInstanceOf(CompletionException.class).hasCause(cause);

        Promise<String> cancelled = loop.newPromise();
        loop.callSoon(cancelled::cancel);
        assertThatThrownBy(() -> loop.runUntilComplete(cancelled)).isInstanceOf(CancellationException.class);
    }

    @Test
    void runUntilCompleteFailsWhenTheLoopStopsFirst() {
        EventLoop loop = f.loop();
        Promise<String> never = loop.newPromise();
        loop.callSoon(loop::stop);
        assertThatThrownBy(() -> loop.runUntilComplete(never))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
    }

    @Test
    void aFutureThatOutlivesItsRunUntilCompleteDoesNotStopALaterRun() {
        EventLoop loop = f.loop();
        Promise<String> p = loop.newPromise();
        loop.callSoon(loop::stop);
        assertThatThrownBy(() -> loop.runUntilComplete(p)).isInstanceOf(IllegalStateException.class);

        // The future completes during a later, unrelated run: that run must not end early.
        loop.callSoon(() -> p.complete("late"));
        long before = loop.stats().turns();
        Loops.runTurns(loop, 5);
        assertThat(loop.stats().turns() - before).as("turns of a run asked for 5").isEqualTo(5);
    }

    @Test
    void runForeverInsideACallbackIsRefused() {
        EventLoop loop = f.loop();
        loop.callSoon(loop::runForever);
        Loops.runTurns(loop, 1);
        assertThat(f.errors.errors(IllegalStateException.class)).singleElement()
                .satisfies(e -> assertThat(e).hasMessageContaining("already running"));
        f.errors.clear();
    }

    @Test
    void stopIsHarmlessOnALoopThatIsNotRunningOrIsClosed() throws Exception {
        EventLoop loop = f.loop();
        Thread other = Thread.ofPlatform().start(loop::stop);
        other.join();
        loop.runForever(); // the early stop ends the first run after one turn
        loop.close();
        Throwable[] thrown = new Throwable[1];
        other = Thread.ofPlatform().start(() -> {
            try {
                loop.stop();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        });
        other.join();
        assertThat(thrown[0]).as("stop() of a closed loop from another thread").isNull();
        assertThatCode(loop::stop).doesNotThrowAnyException();
    }

    @Test
    void closeFromInsideACallbackClosesWhenTheRunReturns() {
        FileDescriptors.assertNoLeak(() -> {
            EventLoop loop = EventLoop.create(f.config().build());
            AtomicBoolean closedInside = new AtomicBoolean(true);
            AtomicBoolean restOfTurnRan = new AtomicBoolean();
            loop.callSoon(() -> {
                loop.close();
                closedInside.set(loop.isClosed());
            });
            loop.callSoon(() -> restOfTurnRan.set(true));
            loop.runForever();

            assertThat(closedInside).as("closed while still inside the callback").isFalse();
            assertThat(restOfTurnRan).as("the rest of the turn ran").isTrue();
            assertThat(loop.isClosed()).isTrue();
            assertThat(loop.isRunning()).isFalse();
        });
    }

    @Test
    void closeFromAnotherThreadStopsALoopStartedOnItsOwnThread() throws Exception {
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        FileDescriptors.assertNoLeak(() -> {
            EventLoop loop = EventLoop.start(f.config().threadName("own-thread-loop").build());
            CountDownLatch seen = new CountDownLatch(1);
            loop.execute(() -> {
                loopThread.set(Thread.currentThread());
                seen.countDown();
            });
            assertThat(seen.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(loopThread.get().getName()).isEqualTo("own-thread-loop");
            assertThat(loop.isRunning()).isTrue();
            assertThat(loop.inLoop()).isFalse();

            loop.close();
            assertThat(loop.isClosed()).isTrue();
            assertThat(loop.isRunning()).isFalse();
            loopThread.get().join(Duration.ofSeconds(10));
        });
        assertThat(loopThread.get().isAlive()).as("loop thread alive after close()").isFalse();
    }

    @Test
    void aClosedLoopRefusesWork() throws IOException {
        EventLoop loop = f.loop();
        loop.close();
        assertThat(loop.isClosed()).isTrue();
        assertThatCode(loop::close).as("a second close()").doesNotThrowAnyException();

        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            refused(() -> loop.callSoon(() -> { }));
            refused(() -> loop.callLater(Duration.ofSeconds(1), () -> { }));
            refused(() -> loop.callAt(0, () -> { }));
            refused(() -> loop.execute(() -> { }));
            refused(() -> loop.callSoonThreadsafe(() -> { }));
            refused(() -> loop.addReader(source, () -> { }));
            refused(() -> loop.addWriter(sink, () -> { }));
            refused(loop::runForever);
        }
    }

    private static void refused(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(LoopClosedException.class).hasMessageContaining("closed");
    }
}
