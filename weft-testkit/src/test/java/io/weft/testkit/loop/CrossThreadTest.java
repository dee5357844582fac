package io.weft.testkit.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.Handle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** execute / callSoonThreadsafe: from any thread, nothing lost, nothing run twice, wakeups coalesced. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrossThreadTest {
    private final LoopFixture f = new LoopFixture();

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void executeFromEightThreadsRunsEveryTaskExactlyOnceInEachThreadsOrder() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        int total = threads * perThread;
        EventLoop loop = f.loop();
        // Touched by the loop thread only.
        int[] runs = new int[total];
        int[] lastSeen = new int[threads];
        Arrays.fill(lastSeen, -1);
        int[] outOfOrder = {0};
        int[] done = {0};
        Promise<Void> all = loop.newPromise();

        CountDownLatch go = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            producers.add(Thread.ofPlatform().name("producer-" + t).start(() -> {
                await(go);
                for (int i = 0; i < perThread; i++) {
                    int seq = i;
                    loop.execute(() -> {
                        runs[thread * perThread + seq]++;
                        if (lastSeen[thread] != seq - 1) {
                            outOfOrder[0]++;
                        }
                        lastSeen[thread] = seq;
                        if (++done[0] == total) {
                            all.complete(null);
                        }
                    });
                }
            }));
        }
        go.countDown();
        f.run(loop, all); // the loop runs while the producers are still submitting
        for (Thread p : producers) {
            p.join();
        }

        assertThat(Arrays.stream(runs).filter(r -> r != 1).count()).as("tasks not run exactly once").isZero();
        assertThat(outOfOrder[0]).as("tasks run out of their thread's submission order").isZero();
    }

    @Test
    void aBurstOfExecuteCallsCostsAtMostOneWakeup() throws Exception {
        EventLoop loop = f.start(f.config().threadName("coalescing-loop"));
        int producers = 4;
        int perProducer = 2_500;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch allRan = new CountDownLatch(producers * perProducer);
        long before = loop.stats().wakeups();

        // The loop is idle, blocked in the kernel with no timer. The first task wakes it (one
        // wakeup at most) and holds it until the whole burst is queued: that burst then finds
        // a loop that is already awake, so no interleaving can make it cost more.
        loop.execute(() -> await(release));
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perProducer; i++) {
                    loop.execute(allRan::countDown);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        release.countDown();
        assertThat(allRan.await(10, TimeUnit.SECONDS)).as("every task of the burst ran").isTrue();

        long wakeups = loop.stats().wakeups() - before;
        assertThat(wakeups).as("wakeups for %d execute() calls", producers * perProducer + 1).isLessThanOrEqualTo(1);
    }

    @Test
    void executeWakesALoopBlockedWithNothingToDo() throws Exception {
        EventLoop loop = f.start(f.config().threadName("idle-loop"));
        for (int i = 0; i < 100; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            loop.execute(ran::countDown);
            assertThat(ran.await(10, TimeUnit.SECONDS)).as("round trip %d", i).isTrue();
        }
    }

    @Test
    void aThreadsafeCallbackCancelledBeforeItRunsNeverRuns() throws Exception {
        EventLoop loop = f.start(f.config().threadName("cancel-loop"));
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> await(release)); // holds the loop so the cancel surely comes first
        AtomicBoolean ran = new AtomicBoolean();
        Handle h = loop.callSoonThreadsafe(() -> ran.set(true));
        h.cancel();
        CountDownLatch after = new CountDownLatch(1);
        loop.execute(after::countDown);
        release.countDown();

        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(h.isCancelled()).isTrue();
        assertThat(ran).as("the cancelled callback ran").isFalse();
    }

    @Test
    void tasksFromManyThreadsAllRunOnTheLoopThread() throws Exception {
        EventLoop loop = f.start(f.config().threadName("the-loop-thread"));
        AtomicInteger elsewhere = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(4 * 100);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 100; i++) {
                    loop.execute(() -> {
                        if (!loop.inLoop() || !Thread.currentThread().getName().equals("the-loop-thread")) {
                            elsewhere.incrementAndGet();
                        }
                        ran.countDown();
                    });
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(elsewhere).hasValue(0);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
