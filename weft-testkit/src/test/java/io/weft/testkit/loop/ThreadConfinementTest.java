package io.weft.testkit.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.loop.EventLoop;
import java.io.IOException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which methods belong to the loop thread, and what a call from elsewhere is told. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ThreadConfinementTest {
    private final LoopFixture f = new LoopFixture();

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void loopThreadMethodsFailFromAnotherThreadNamingWhatToCallInstead() throws Exception {
        EventLoop loop = f.loop();
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            Map<String, Runnable> calls = new LinkedHashMap<>();
            calls.put("callSoon", () -> loop.callSoon(() -> { }));
            calls.put("callLater", () -> loop.callLater(Duration.ofSeconds(1), () -> { }));
            calls.put("callAt", () -> loop.callAt(0, () -> { }));
            calls.put("addReader", () -> loop.addReader(source, () -> { }));
            calls.put("addWriter", () -> loop.addWriter(sink, () -> { }));
            calls.put("removeReader", () -> loop.removeReader(source));
            calls.put("removeWriter", () -> loop.removeWriter(sink));

            Map<String, Throwable> thrown = new LinkedHashMap<>();
            Thread other = Thread.ofPlatform().name("not-the-loop").start(() -> calls.forEach((name, call) -> {
                try {
                    call.run();
                    thrown.put(name, null);
                } catch (Throwable e) {
                    thrown.put(name, e);
                }
            }));
            other.join();

            assertThat(thrown).containsOnlyKeys(calls.keySet());
            thrown.forEach((name, e) -> assertThat(e).as(name + "() from another thread")
                    .isInstanceOf(WrongThreadException.class)
                    .hasMessageContaining(name + "()")
                    .hasMessageContaining("not-the-loop")
                    .hasMessageContaining("execute()")
                    .hasMessageContaining("callSoonThreadsafe()"));
        }
        assertThat(loop.stats().pendingTimers()).as("nothing was scheduled").isZero();
        assertThat(loop.stats().registeredChannels()).isZero();
    }

    @Test
    void theThreadsafeMethodsWorkFromAnyThread() throws Exception {
        EventLoop loop = f.start(f.config().threadName("confined-loop"));
        assertThat(loop.inLoop()).isFalse();
        assertThat(loop.isRunning()).isTrue();
        assertThat(loop.time()).isEqualTo(f.clock.nanoTime());
        assertThat(loop.stats()).isNotNull();
        assertThat(loop.config().threadName()).isEqualTo("confined-loop");

        CountDownLatch ran = new CountDownLatch(2);
        boolean[] inLoopThere = new boolean[2];
        loop.execute(() -> {
            inLoopThere[0] = loop.inLoop();
            ran.countDown();
        });
        loop.callSoonThreadsafe(() -> {
            inLoopThere[1] = loop.inLoop();
            ran.countDown();
        });
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(inLoopThere).containsExactly(true, true);
    }

    @Test
    void aLoopStartedOnItsOwnThreadRefusesToBeRunElsewhere() {
        EventLoop loop = f.start(f.config().threadName("busy-loop"));
        assertThatThrownBy(loop::runForever).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("busy-loop");
        assertThatThrownBy(() -> loop.callSoon(() -> { })).isInstanceOf(WrongThreadException.class);
    }
}
