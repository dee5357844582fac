package io.weft.internal.offload;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.OffloadQueueFullException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Blocking work off the loop: results on the loop, a queue that says when it is full, cancellation. */
class OffloadPoolTest {
    final EventLoop loop = EventLoop.create(LoopConfig.builder().exceptionHandler((l, c, e) -> {
        throw new AssertionError(c + ": " + e, e);
    }).build());
    OffloadPool own;

    @AfterEach
    void close() {
        loop.close();
        if (own != null) {
            own.shutdown();
        }
    }

    <T> T run(Promise<T> p) {
        return loop.runUntilComplete(p.withTimeout(Duration.ofSeconds(20)));
    }

    @Test
    void offloadRunsOffTheLoopAndCallsBackOnIt() {
        Thread loopThread = Thread.currentThread();
        Thread[] ranOn = new Thread[1];
        Thread[] calledBackOn = new Thread[1];
        Promise<String> p = loop.<String>offload(() -> {
            ranOn[0] = Thread.currentThread();
            return "done";
        }).whenComplete((v, e) -> calledBackOn[0] = Thread.currentThread());
        assertThat(run(p)).isEqualTo("done");
        assertThat(ranOn[0]).isNotSameAs(loopThread);
        assertThat(ranOn[0].getName()).startsWith("weft-offload-");
        assertThat(calledBackOn[0]).isSameAs(loopThread);
    }

    @Test
    void aFailureReachesThePromise() {
        Promise<Object> p = loop.offload(() -> {
            throw new IOException("disk on fire");
        });
        try {
            run(p);
            throw new AssertionError("expected a failure");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessage("disk on fire");
        }
    }

    @Test
    void aFullQueueFailsWithATypedErrorAndRunsNothing() throws Exception {
        own = new OffloadPool(1, 2, "test-offload-");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Promise<Void> busy = own.submit(loop, () -> {
            started.countDown();
            release.await();
            return null;
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Promise<Integer> q1 = own.submit(loop, () -> 1);
        Promise<Integer> q2 = own.submit(loop, () -> 2);
        AtomicBoolean ran = new AtomicBoolean();
        Promise<Integer> refused = own.submit(loop, () -> {
            ran.set(true);
            return 3;
        });
        assertThat(refused.isFailed()).as("failed at once").isTrue();
        assertThat(refused.cause()).isInstanceOf(OffloadQueueFullException.class)
                .hasMessageContaining("queue is full").hasMessageContaining("offloadThreads");
        assertThat(((OffloadQueueFullException) refused.cause()).capacity()).isEqualTo(2);
        release.countDown();
        assertThat(run(q1) + run(q2)).isEqualTo(3);
        run(busy);
        assertThat(ran).isFalse();
    }

    @Test
    void cancellingInterruptsTheRunningTaskAndTheNextTaskIsNotInterrupted() throws Exception {
        own = new OffloadPool(1, 4, "test-offload-");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Promise<Void> sleeper = own.submit(loop, () -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return null;
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sleeper.cancel()).isTrue();
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the worker was interrupted").isTrue();
        assertThat(run(own.submit(loop, () -> Thread.currentThread().isInterrupted())))
                .as("the interrupt was for the cancelled task only").isFalse();
    }

    @Test
    void aTaskCancelledWhileQueuedNeverRunsAndADiscardedResultIsReleased() throws Exception {
        own = new OffloadPool(1, 4, "test-offload-");
        CountDownLatch release = new CountDownLatch(1);
        Promise<Void> busy = own.submit(loop, () -> {
            release.await();
            return null;
        });
        AtomicBoolean ran = new AtomicBoolean();
        Promise<Integer> queued = own.submit(loop, () -> {
            ran.set(true);
            return 1;
        });
        queued.cancel();
        CountDownLatch computing = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        CountDownLatch discarded = new CountDownLatch(1);
        Promise<String> unwanted = own.submit(loop, () -> {
            computing.countDown();
            mayFinish.await();
            return "resource";
        }, false, v -> discarded.countDown());
        release.countDown();
        run(busy);
        assertThat(computing.await(10, TimeUnit.SECONDS)).isTrue();
        unwanted.cancel(); // not interruptible: it runs to its end, and its result is handed to discard
        mayFinish.countDown();
        assertThat(discarded.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).isFalse();
        assertThat(queued.cause()).isInstanceOf(CancellationException.class);
    }

    @Test
    void thePoolIsSharedAndGrowsToTheLargestSizeAsked() {
        OffloadPool a = OffloadPool.forLoop(loop);
        int before = a.threads();
        try (EventLoop bigger = EventLoop.create(LoopConfig.builder().offloadThreads(a.threads() + 3).build())) {
            OffloadPool b = OffloadPool.forLoop(bigger);
            assertThat(b).isSameAs(a);
            assertThat(b.threads()).isGreaterThanOrEqualTo(before + 3);
            assertThat(OffloadPool.forLoop(loop).threads()).isEqualTo(b.threads());
        }
    }
}
