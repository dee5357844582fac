package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Promise#onCancel} from several threads at once, racing {@link Promise#cancel()}: every
 * action added runs exactly once. Before the actions became a lock-free stack, two concurrent
 * calls could lose an action (read-modify-write of one volatile field), and one racing the
 * cancel could run twice (once by cancel(), once by its own "already cancelled" check).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromiseOnCancelRaceTest {
    private static final int ROUNDS = 2_000;
    private static final int THREADS = 3;
    private static final int ACTIONS_PER_THREAD = 20;

    @Test
    void everyActionRunsExactlyOnceWhateverTheInterleaving() throws Exception {
        try (EventLoop loop = EventLoop.create()) {
            for (int round = 0; round < ROUNDS; round++) {
                Promise<Void> p = loop.newPromise();
                AtomicIntegerArray runs = new AtomicIntegerArray(THREADS * ACTIONS_PER_THREAD);
                CyclicBarrier start = new CyclicBarrier(THREADS + 1);
                Thread[] adders = new Thread[THREADS];
                for (int t = 0; t < THREADS; t++) {
                    int base = t * ACTIONS_PER_THREAD;
                    adders[t] = Thread.ofPlatform().start(() -> {
                        await(start);
                        for (int i = 0; i < ACTIONS_PER_THREAD; i++) {
                            int slot = base + i;
                            p.onCancel(() -> runs.incrementAndGet(slot));
                        }
                    });
                }
                await(start);
                p.cancel();
                for (Thread t : adders) {
                    t.join();
                }
                for (int i = 0; i < runs.length(); i++) {
                    assertThat(runs.get(i)).as("round %d, action %d", round, i).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void actionsAddedToAPromiseThatCompletedNeverRun() {
        try (EventLoop loop = EventLoop.create()) {
            Promise<String> p = loop.newPromise();
            int[] ran = {0};
            p.onCancel(() -> ran[0]++);
            p.complete("done");
            p.onCancel(() -> ran[0]++);
            assertThat(p.cancel()).isFalse();
            assertThat(ran[0]).isZero();
        }
    }

    @Test
    void actionsRunInTheOrderTheyWereAdded() {
        try (EventLoop loop = EventLoop.create()) {
            Promise<String> p = loop.newPromise();
            StringBuilder order = new StringBuilder();
            p.onCancel(() -> order.append('a'));
            p.onCancel(() -> order.append('b'));
            p.onCancel(() -> order.append('c'));
            p.cancel();
            p.onCancel(() -> order.append('d')); // already cancelled: at once
            assertThat(order).hasToString("abcd");
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
