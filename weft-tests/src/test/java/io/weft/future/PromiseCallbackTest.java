package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * whenComplete: callbacks run on the loop thread, never inside the call that completed the
 * promise or registered them, in registration order, and one throwing does not stop the rest.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromiseCallbackTest {
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

    @Test
    void callbackDoesNotRunInsideComplete() {
        t = new TestLoop();
        Promise<String> p = t.promise();
        AtomicBoolean ran = new AtomicBoolean();
        p.whenComplete((v, e) -> ran.set(true));

        p.complete("v");

        assertThat(ran).as("ran inside complete()").isFalse();
        t.runUntil(ran::get);
    }

    @Test
    void callbackDoesNotRunInsideFailOrCancel() {
        t = new TestLoop();
        Promise<String> failed = t.promise();
        Promise<String> cancelled = t.promise();
        List<Throwable> seen = new ArrayList<>();
        failed.whenComplete((v, e) -> seen.add(e));
        cancelled.whenComplete((v, e) -> seen.add(e));

        failed.fail(boom);
        cancelled.cancel();

        assertThat(seen).isEmpty();
        t.runUntil(() -> seen.size() == 2);
    }

    @Test
    void callbackOnADonePromiseDoesNotRunInsideWhenComplete() {
        t = new TestLoop();
        Promise<String> p = Promise.completed(t.loop(), "v");
        List<String> seen = new ArrayList<>();

        p.whenComplete((v, e) -> seen.add(v));

        assertThat(seen).isEmpty();
        t.runUntil(() -> !seen.isEmpty());
        assertThat(seen).containsExactly("v");
    }

    @Test
    void callbacksRunNoEarlierThanTheTurnAfterCompletion() {
        t = new TestLoop();
        Promise<String> p = t.promise();
        AtomicLong completedIn = new AtomicLong(-1);
        AtomicLong ranIn = new AtomicLong(-1);
        p.whenComplete((v, e) -> ranIn.set(t.loop().stats().turns()));
        t.loop().callSoon(() -> {
            completedIn.set(t.loop().stats().turns());
            p.complete("v");
        });

        t.run(p);

        assertThat(ranIn.get()).isGreaterThan(completedIn.get());
    }

    @Test
    void callbacksGetTheValueOrTheFailure() {
        t = new TestLoop();
        Promise<String> ok = t.promise();
        Promise<String> bad = t.promise();
        List<Object> seen = new ArrayList<>();
        ok.whenComplete((v, e) -> {
            seen.add(v);
            seen.add(e);
        });
        bad.whenComplete((v, e) -> {
            seen.add(v);
            seen.add(e);
        });

        ok.complete("v");
        bad.fail(boom);
        t.runUntil(() -> seen.size() == 4);

        assertThat(seen).containsExactly("v", null, null, boom);
    }

    @Test
    void callbacksRunInRegistrationOrderBeforeAndAfterCompletion() {
        t = new TestLoop();
        Promise<String> p = t.promise();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            p.whenComplete((v, e) -> order.add(n));
        }
        p.complete("v");
        for (int i = 5; i < 10; i++) {
            int n = i;
            p.whenComplete((v, e) -> order.add(n));
        }

        t.runUntil(() -> order.size() == 10);

        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void registrationOrderHoldsWhenAnotherThreadCompletesInBetween() throws Exception {
        t = new TestLoop();
        Promise<String> p = t.promise();
        List<String> order = new ArrayList<>();
        p.whenComplete((v, e) -> order.add("before"));

        Thread completer = Thread.ofPlatform().start(() -> p.complete("v"));
        completer.join();
        p.whenComplete((v, e) -> order.add("after"));

        t.runUntil(() -> order.size() == 2);
        assertThat(order).containsExactly("before", "after");
    }

    @Test
    void callbackRunsOnTheLoopThreadWhenCompletedFromAnotherThread() throws Exception {
        threaded = EventLoop.start(TestLoop.baseConfig().threadName("promise-callback-loop").build());
        Promise<String> p = threaded.newPromise();
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        p.whenComplete((v, e) -> ranOn.complete(Thread.currentThread().getName() + " inLoop=" + threaded.inLoop()));

        Thread completer = Thread.ofPlatform().name("completer").start(() -> p.complete("v"));
        completer.join();

        assertThat(ranOn.get(10, TimeUnit.SECONDS)).isEqualTo("promise-callback-loop inLoop=true");
    }

    @Test
    void callbackRegisteredFromAnotherThreadRunsOnTheLoopThread() throws Exception {
        threaded = EventLoop.start(TestLoop.baseConfig().threadName("promise-callback-loop").build());
        Promise<String> p = Promise.completed(threaded, "v");
        CompletableFuture<String> ranOn = new CompletableFuture<>();

        p.whenComplete((v, e) -> ranOn.complete(Thread.currentThread().getName()));

        assertThat(ranOn.get(10, TimeUnit.SECONDS)).isEqualTo("promise-callback-loop");
    }

    @Test
    void aThrowingCallbackGoesToTheExceptionHandlerAndTheOthersStillRun() {
        t = new TestLoop();
        Promise<String> p = t.promise();
        List<String> ran = new ArrayList<>();
        p.whenComplete((v, e) -> ran.add("first"));
        p.whenComplete((v, e) -> {
            throw boom;
        });
        p.whenComplete((v, e) -> ran.add("third"));

        p.complete("v");
        t.runUntil(() -> ran.size() == 2);

        assertThat(ran).containsExactly("first", "third");
        assertThat(t.reports).hasSize(1);
        assertThat(t.reports.get(0).error()).isSameAs(boom);
        assertThat(t.reports.get(0).context()).contains("callback").contains(p.toString());

        // and the loop goes on
        Promise<String> later = t.promise();
        t.loop().callSoon(() -> later.complete("still turning"));
        assertThat(t.run(later)).isEqualTo("still turning");
    }

    @Test
    void aThrowingCallbackOnAnotherThreadsCompletionIsReportedOnTheLoop() throws Exception {
        List<String> handledOn = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> handled = new CompletableFuture<>();
        threaded = EventLoop.start(TestLoop.baseConfig()
                .threadName("promise-callback-loop")
                .exceptionHandler((loop, context, error) -> {
                    handledOn.add(Thread.currentThread().getName() + ": " + error.getMessage());
                    handled.complete(null);
                })
                .build());
        Promise<String> p = threaded.newPromise();
        p.whenComplete((v, e) -> {
            throw boom;
        });

        p.complete("v");

        handled.get(10, TimeUnit.SECONDS);
        assertThat(handledOn).containsExactly("promise-callback-loop: boom");
    }
}
