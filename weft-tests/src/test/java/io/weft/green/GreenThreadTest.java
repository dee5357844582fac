package io.weft.green;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class GreenThreadTest {
    EventLoop loop;
    int counter; // a plain int: green threads of one loop never race

    @BeforeEach
    void setUp() {
        loop = EventLoop.create(LoopConfig.builder().threadName("green-test").build());
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    @Test
    void tenThousandGreenThreadsIncrementAPlainIntExactly() {
        List<Promise<Void>> all = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            int n = i;
            all.add(loop.spawn(() -> {
                for (int k = 0; k < 10; k++) {
                    counter++; // no lock, no atomic: only one green thread runs at a time, on the loop thread
                    if ((n + k) % 2 == 0) {
                        Green.yieldNow();
                    } else {
                        Green.sleep(Duration.ofMillis(1 + (n + k) % 5));
                    }
                }
                return null;
            }));
        }
        loop.runUntilComplete(Promise.all(loop, all));
        assertThat(counter).isEqualTo(100_000);
    }

    @Test
    void sleepersWakeInDeadlineOrder() {
        List<Integer> order = new ArrayList<>();
        List<Promise<Void>> all = new ArrayList<>();
        for (int i : new int[] {30, 10, 20, 10, 0}) {
            all.add(loop.spawn(() -> {
                Green.sleep(Duration.ofMillis(i));
                order.add(i);
                return null;
            }));
        }
        loop.runUntilComplete(Promise.all(loop, all));
        assertThat(order).containsExactly(0, 10, 10, 20, 30);
    }

    @Test
    void greenThreadRunsOnTheLoopThread() {
        Thread[] carrier = new Thread[1];
        loop.callSoon(() -> carrier[0] = Thread.currentThread());
        Promise<Boolean> inLoop = loop.spawn(() -> loop.inLoop() && Thread.currentThread().isVirtual());
        assertThat(loop.runUntilComplete(inLoop)).isTrue();
    }

    @Test
    void awaitReturnsValueAndThrowsFailure() {
        Promise<String> p = loop.newPromise();
        loop.callLater(Duration.ofMillis(5), () -> p.complete("x"));
        assertThat(loop.runUntilComplete(loop.spawn(() -> Green.await(p)))).isEqualTo("x");

        Promise<String> bad = loop.newPromise();
        loop.callLater(Duration.ofMillis(5), () -> bad.fail(new IllegalStateException("boom")));
        Promise<String> g = loop.spawn(() -> Green.await(bad));
        assertThatThrownBy(() -> loop.runUntilComplete(g)).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(CompletionException.class).cause().hasMessage("boom");
    }

    @Test
    void joinInAGreenThreadParksItWhileTheLoopGoesOn() {
        Promise<String> p = loop.newPromise();
        loop.callLater(Duration.ofMillis(5), () -> p.complete("joined"));
        assertThat(loop.runUntilComplete(loop.spawn(p::join))).isEqualTo("joined");
    }

    @Test
    void cancellingASleepingGreenThreadThrowsInIt() {
        boolean[] sawCancel = {false};
        Promise<Void> g = loop.spawn(() -> {
            try {
                Green.sleep(Duration.ofHours(1));
            } catch (CancellationException e) {
                sawCancel[0] = true;
                throw e;
            }
            return null;
        });
        loop.callLater(Duration.ofMillis(10), g::cancel);
        assertThatThrownBy(() -> loop.runUntilComplete(g)).isInstanceOf(CancellationException.class);
        loop.runUntilComplete(loop.spawn(() -> { Green.yieldNow(); return null; }));
        assertThat(sawCancel[0]).isTrue();
    }

    @Test
    void blockingCallsOutsideGreenThreadsFailWithAHint() {
        assertThatThrownBy(() -> Green.sleep(Duration.ofMillis(1))).isInstanceOf(WrongThreadException.class)
                .hasMessageContaining("spawn");
    }

    @Test
    void closingTheLoopCancelsParkedGreenThreads() {
        boolean[] unwound = {false};
        Promise<Void> g = loop.spawn(() -> {
            try {
                Green.sleep(Duration.ofDays(1));
            } finally {
                unwound[0] = true;
            }
            return null;
        });
        loop.runUntilComplete(loop.spawn(() -> { Green.sleep(Duration.ofMillis(5)); return null; }));
        loop.close();
        assertThat(unwound[0]).isTrue();
        assertThat(g.isCancelled()).isTrue();
    }
}
