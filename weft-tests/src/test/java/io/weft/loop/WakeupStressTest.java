package io.weft.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.testkit.EveryBackend;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;

/**
 * Wake-ups are never lost: threads hand a sleeping loop tasks over and over, each waiting for its
 * own to run before the next, so the loop falls asleep between most of them and every task
 * depends on a wake-up. A driver that loses one (the epoll driver did: its "wake-up pending" flag
 * was reset before the eventfd was drained, and a wake-up in between left the flag set for good)
 * leaves a thread waiting here until the bound.
 */
@EveryBackend
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WakeupStressTest {
    @Parameter
    PollerKind backend;

    @Test
    void everyTaskHandedToASleepingLoopRuns() throws Exception {
        int threads = 4;
        int rounds = 3_000;
        AtomicInteger lost = new AtomicInteger();
        try (EventLoop loop = EventLoop.start(LoopConfig.builder().poller(backend).threadName("wake-stress").build())) {
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                ts[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < rounds && lost.get() == 0; i++) {
                        CountDownLatch ran = new CountDownLatch(1);
                        loop.execute(ran::countDown);
                        try {
                            if (!ran.await(10, TimeUnit.SECONDS)) {
                                lost.incrementAndGet();
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
        }
        assertThat(lost.get()).as("tasks that waited 10 s for a sleeping loop to wake").isZero();
    }
}
