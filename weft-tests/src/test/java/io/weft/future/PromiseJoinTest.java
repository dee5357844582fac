package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.weft.loop.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * join(): blocks a foreign thread until the outcome and reports it like
 * {@link CompletableFuture#join()}; refuses to block the loop thread.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromiseJoinTest {
    private final RuntimeException boom = new RuntimeException("boom");
    private TestLoop t;
    private EventLoop threaded;

    @AfterEach
    void close() {
        if (t != null) {
            t.close();
        }
        if (threaded != null) {
            threaded.close();
        }
    }

    // ---- from a foreign thread ----

    @Test
    void joinFromAnotherThreadBlocksUntilTheLoopCompletesThePromise() throws Exception {
        threaded = EventLoop.start(TestLoop.baseConfig().build());
        Promise<String> p = threaded.newPromise();
        AtomicReference<Object> joined = new AtomicReference<>();
        Thread joiner = Thread.ofPlatform().name("joiner").start(() -> joined.set(p.join()));

        awaitBlocked(joiner);
        assertThat(joined.get()).isNull();
        threaded.execute(() -> p.complete("v"));
        joiner.join();

        assertThat(joined.get()).isEqualTo("v");
    }

    @Test
    void joinOfAFailedPromiseThrowsCompletionExceptionLikeCompletableFuture() {
        t = new TestLoop();
        Promise<String> p = t.promise();
        p.fail(boom);

        Throwable ours = catchThrowable(() -> joinOnAnotherThread(p));
        Throwable theirs = catchThrowable(() -> CompletableFuture.failedFuture(boom).join());

        assertThat(ours).isInstanceOf(CompletionException.class).hasCause(boom);
        assertThat(ours.getClass()).isEqualTo(theirs.getClass());
        assertThat(ours.getCause()).isSameAs(theirs.getCause());
    }

    @Test
    void joinOfACancelledPromiseThrowsCancellationExceptionLikeCompletableFuture() {
        t = new TestLoop();
        Promise<String> p = t.promise();
        p.cancel();
        CompletableFuture<String> cf = new CompletableFuture<>();
        cf.cancel(false);

        Throwable ours = catchThrowable(() -> joinOnAnotherThread(p));
        Throwable theirs = catchThrowable(cf::join);

        assertThat(ours).isInstanceOf(CancellationException.class);
        assertThat(theirs).isInstanceOf(CancellationException.class);
    }

    @Test
    void joinFromAnotherThreadThrowsWhenTheLoopFailsThePromiseLater() throws Exception {
        threaded = EventLoop.start(TestLoop.baseConfig().build());
        Promise<String> p = threaded.newPromise();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread joiner = Thread.ofPlatform().start(() -> thrown.set(catchThrowable(p::join)));

        awaitBlocked(joiner);
        threaded.execute(() -> p.fail(boom));
        joiner.join();

        assertThat(thrown.get()).isInstanceOf(CompletionException.class).hasCause(boom);
    }

    @Test
    void manyJoinersAreAllReleased() throws Exception {
        threaded = EventLoop.start(TestLoop.baseConfig().build());
        Promise<Integer> p = threaded.newPromise();
        List<Thread> joiners = new ArrayList<>();
        List<Integer> results = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 8; i++) {
            joiners.add(Thread.ofPlatform().start(() -> results.add(p.join())));
        }
        joiners.forEach(PromiseJoinTest::awaitBlocked);

        threaded.execute(() -> p.complete(7));

        for (Thread j : joiners) {
            j.join();
        }
        assertThat(results).containsExactly(7, 7, 7, 7, 7, 7, 7, 7);
    }

    @Test
    void anInterruptedJoinerKeepsWaitingAndKeepsItsInterruptFlag() throws Exception {
        threaded = EventLoop.start(TestLoop.baseConfig().build());
        Promise<String> p = threaded.newPromise();
        AtomicReference<String> outcome = new AtomicReference<>();
        Thread joiner = Thread.ofPlatform().start(() -> {
            String v = p.join();
            outcome.set(v + " interrupted=" + Thread.currentThread().isInterrupted());
        });
        awaitBlocked(joiner);

        joiner.interrupt();
        awaitBlocked(joiner); // like CompletableFuture.join(): not interruptible
        assertThat(outcome.get()).isNull();
        threaded.execute(() -> p.complete("v"));
        joiner.join();

        assertThat(outcome.get()).isEqualTo("v interrupted=true");
    }

    @Test
    void joinNeedsNoRunningLoop() throws Exception {
        t = new TestLoop(); // never run
        Promise<String> p = t.promise();
        AtomicReference<String> joined = new AtomicReference<>();
        Thread joiner = Thread.ofPlatform().start(() -> joined.set(p.join()));
        awaitBlocked(joiner);

        Thread.ofPlatform().start(() -> p.complete("v")).join();
        joiner.join();

        assertThat(joined.get()).isEqualTo("v");
    }

    // ---- on the loop thread ----

    @Test
    void joinOnTheLoopThreadOfAPendingPromiseThrowsWrongThreadException() {
        t = new TestLoop(); // owned by this thread until run
        Promise<String> p = t.promise();

        assertThatThrownBy(p::join)
                .isInstanceOf(WrongThreadException.class)
                .hasMessageContaining("loop thread")
                .hasMessageContaining("whenComplete")
                .hasMessageContaining("green thread");
        assertThat(p.isDone()).isFalse();
    }

    @Test
    void joinInsideALoopCallbackOfAPendingPromiseThrowsWrongThreadException() {
        t = new TestLoop();
        Promise<String> p = t.promise();
        Promise<Throwable> thrown = t.promise();
        t.loop().callSoon(() -> thrown.complete(catchThrowable(p::join)));

        assertThat(t.run(thrown)).isInstanceOf(WrongThreadException.class);
    }

    @Test
    void joinOnALoopRunningOnAVirtualThreadOfAPendingPromiseThrowsWrongThreadException() throws Exception {
        t = new TestLoop();
        Promise<String> p = t.promise();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        t.loop().callSoon(() -> {
            // A pending join here could only hang: the loop that must complete p is this thread.
            thrown.complete(catchThrowable(p::join));
            t.loop().stop();
        });

        Thread.ofVirtual().start(t.loop()::runForever);

        try {
            assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(WrongThreadException.class);
        } finally {
            p.complete("let a hung join go, so that the loop can close");
        }
    }

    @Test
    void joinOnTheLoopThreadOfADonePromiseReturnsOrThrows() {
        t = new TestLoop();
        Promise<String> ok = Promise.completed(t.loop(), "v");
        Promise<String> bad = Promise.failed(t.loop(), boom);
        Promise<String> cancelled = t.promise();
        cancelled.cancel();

        assertThat(ok.join()).isEqualTo("v");
        assertThatThrownBy(bad::join).isInstanceOf(CompletionException.class).hasCause(boom);
        assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void joinInsideALoopCallbackOfADonePromiseReturnsTheValue() {
        t = new TestLoop();
        Promise<String> p = t.promise();
        Promise<String> joined = t.promise();
        p.whenComplete((v, e) -> joined.complete(p.join()));
        t.loop().callSoon(() -> p.complete("v"));

        assertThat(t.run(joined)).isEqualTo("v");
    }

    // ---- helpers ----

    /** Waits (bounded by the test's timeout) until {@code thread} is parked in join(). */
    private static void awaitBlocked(Thread thread) {
        while (thread.getState() != Thread.State.WAITING) {
            assertThat(thread.isAlive()).as("%s ended instead of blocking", thread).isTrue();
            LockSupport.parkNanos(100_000); // the machine is small: let the joiner get there
        }
    }

    private static <T> T joinOnAnotherThread(Promise<T> p) throws Throwable {
        AtomicReference<T> value = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofPlatform().start(() -> {
            try {
                value.set(p.join());
            } catch (Throwable e) {
                thrown.set(e);
            }
        }).join();
        if (thrown.get() != null) {
            throw thrown.get();
        }
        return value.get();
    }
}
