package io.weft.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.green.Green;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code close()} called from a thread that is not running the loop: whatever runs while the loop
 * closes (green threads unwinding their {@code finally} blocks) runs on the loop's thread. The
 * closing thread becomes the owner first, so such code sees {@code inLoop()} true and may use the
 * loop-thread API, where before it ran on the closing thread while the creator still owned the
 * loop and every loop call from it failed with {@link WrongThreadException}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseFromAnotherThreadTest {

    @Test
    void greenThreadsUnwindOnTheClosingThreadAsTheLoopsOwner() throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        EventLoop loop = EventLoop.create(LoopConfig.builder()
                .exceptionHandler((l, context, error) -> reported.add(error)).build());
        AtomicReference<Thread> unwoundOn = new AtomicReference<>();
        AtomicReference<Boolean> inLoopWhileUnwinding = new AtomicReference<>();
        AtomicReference<Throwable> loopCallFailure = new AtomicReference<>();
        // Started and parked on the creating (test) thread, which then stops running the loop.
        loop.runUntilComplete(loop.submit(() -> {
            loop.spawn(() -> {
                try {
                    Green.sleep(Duration.ofHours(1));
                } finally {
                    unwoundOn.set(Thread.currentThread());
                    inLoopWhileUnwinding.set(loop.inLoop());
                    try {
                        loop.callSoon(() -> { }); // loop-thread API: must be allowed here
                    } catch (Throwable e) {
                        loopCallFailure.set(e);
                    }
                }
                return null;
            });
            return null;
        }));
        loop.runUntilComplete(loop.submit(() -> null)); // one more turn: the green thread parks

        Thread closer = Thread.ofPlatform().name("closer").start(loop::close);
        closer.join();

        assertThat(loop.isClosed()).isTrue();
        assertThat(inLoopWhileUnwinding.get()).as("green finally block saw inLoop()").isTrue();
        assertThat(loopCallFailure.get()).as("loop call from the unwinding green thread").isNull();
        assertThat(unwoundOn.get()).isNotNull();
        assertThat(reported).isEmpty();
    }

    @Test
    void afterCloseTheCreatorIsNoLongerTheOwner() throws Exception {
        EventLoop loop = EventLoop.create();
        Thread closer = Thread.ofPlatform().start(loop::close);
        closer.join();
        assertThat(loop.isClosed()).isTrue();
        assertThat(loop.isRunning()).isFalse();
    }
}
