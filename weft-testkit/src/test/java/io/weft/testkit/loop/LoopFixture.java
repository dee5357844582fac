package io.weft.testkit.loop;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.testkit.ExceptionRecorder;
import io.weft.testkit.Loops;
import io.weft.testkit.ManualClock;
import io.weft.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What most loop tests need: a manual clock, an exception recorder, loops that are closed after
 * the test, and a check that no callback failed unexpectedly. A test that expects exceptions
 * inspects {@link #errors} and clears it.
 */
final class LoopFixture implements AutoCloseable {
    static final Duration LIMIT = Duration.ofSeconds(10);

    final ManualClock clock = new ManualClock();
    final ExceptionRecorder errors = new ExceptionRecorder();
    private final List<EventLoop> loops = new ArrayList<>();

    /** Manual clock, recorded exceptions, debug off whatever WEFT_DEBUG says. */
    LoopConfig.Builder config() {
        return LoopConfig.builder().clock(clock).exceptionHandler(errors).debug(false).threadName("test-loop");
    }

    /** A loop owned by the calling thread. */
    EventLoop loop() {
        return loop(config());
    }

    EventLoop loop(LoopConfig.Builder config) {
        return track(EventLoop.create(config.build()));
    }

    /** A loop running on a thread of its own. */
    EventLoop start(LoopConfig.Builder config) {
        return track(EventLoop.start(config.build()));
    }

    <T> T run(EventLoop loop, Promise<T> future) {
        return Loops.runUntilComplete(loop, future, LIMIT);
    }

    private EventLoop track(EventLoop loop) {
        loops.add(loop);
        return loop;
    }

    @Override
    public void close() {
        loops.forEach(EventLoop::close);
        errors.assertNone();
    }

    /** {@code body} with a recognisable name, so a test can find it in a context or warning. */
    static Runnable named(String name, Runnable body) {
        return new Runnable() {
            @Override
            public void run() {
                body.run();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** Keeps the thread busy for {@code d} of real time. */
    static void spin(Duration d) {
        Clock real = Clock.system();
        long end = real.nanoTime() + d.toNanos();
        while (real.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
