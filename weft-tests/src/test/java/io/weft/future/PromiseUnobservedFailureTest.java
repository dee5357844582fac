package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import io.weft.loop.LoopWarning;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Debug mode: a failed promise that is garbage-collected while nobody looked at its failure is
 * reported as {@link LoopWarning.UnobservedFailure}; one whose failure was observed is not.
 *
 * <p>Collection cannot be forced, so these tests call {@link System#gc()} in a bounded retry
 * loop, running the loop (on the real clock, briefly) between tries so that the cleaner's report
 * gets delivered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromiseUnobservedFailureTest {
    private final List<Throwable> handled = new CopyOnWriteArrayList<>();
    private final List<String> contexts = new CopyOnWriteArrayList<>();
    /** On the real clock: {@link #runBriefly} must wait for the cleaner thread, not jump. */
    private EventLoop loop;

    @AfterEach
    void close() {
        if (loop != null) {
            loop.close();
        }
    }

    /** Created on first use, to belong to the thread that runs the test. */
    private EventLoop loop() {
        if (loop == null) {
            loop = EventLoop.create(TestLoop.baseConfig()
                    .debug(true)
                    .slowCallbackThreshold(Duration.ofHours(1)) // a GC pause in a callback is not news here
                    .exceptionHandler((l, context, error) -> {
                        handled.add(error);
                        contexts.add(context);
                    })
                    .build());
        }
        return loop;
    }

    @Test
    void aDroppedFailedPromiseIsReportedAsUnobservedFailure() {
        RuntimeException failure = new RuntimeException("nobody looked at me");
        WeakReference<Promise<String>> ref = dropFailed(failure);

        collectUntil(() -> warningFor(failure) != null);

        assertThat(ref.get()).isNull();
        LoopWarning.UnobservedFailure w = warningFor(failure);
        assertThat(w.getCause()).isSameAs(failure);
        assertThat(w.getMessage()).contains("nobody observed").contains("nobody looked at me");
        assertThat(contexts).anySatisfy(c -> assertThat(c).contains("nobody looked at me"));
    }

    @Test
    void aDroppedDerivedPromiseWhoseFailureNobodyObservedIsReported() {
        RuntimeException failure = new RuntimeException("failed in map");
        Promise<String> source = loop().newPromise();
        dropMapped(source, failure);
        source.complete("v");

        collectUntil(() -> warningFor(failure) != null);
    }

    @Test
    void observedFailuresAreNotReported() {
        RuntimeException canary = new RuntimeException("canary: dropped unobserved");
        List<RuntimeException> observed = List.of(
                new RuntimeException("observed by whenComplete"),
                new RuntimeException("observed by cause()"),
                new RuntimeException("observed by join()"),
                new RuntimeException("observed by a map() on it"),
                new RuntimeException("watched by whenComplete before it failed"));
        List<WeakReference<Promise<String>>> refs = dropObserved(observed);
        dropFailed(canary);

        // The canary's warning shows that collection and reporting work in this JVM; then give
        // the observed ones (collected too, per their references) a few more rounds to misbehave.
        collectUntil(() -> warningFor(canary) != null && refs.stream().allMatch(r -> r.get() == null));
        for (int i = 0; i < 5; i++) {
            System.gc();
            runBriefly();
        }

        for (RuntimeException e : observed) {
            assertThat(warningFor(e)).as("warning for %s", e.getMessage()).isNull();
        }
        assertThat(unobservedWarnings()).as("nothing but the canary's warning").hasSize(1);
    }

    @Test
    void aDroppedCancelledPromiseIsNotReported() {
        RuntimeException canary = new RuntimeException("canary: dropped unobserved");
        WeakReference<Promise<String>> cancelled = dropCancelled();
        dropFailed(canary);

        collectUntil(() -> warningFor(canary) != null && cancelled.get() == null);
        for (int i = 0; i < 5; i++) {
            System.gc();
            runBriefly();
        }

        assertThat(unobservedWarnings()).as("nothing but the canary's warning").hasSize(1);
    }

    // ---- helpers: each drops its promises on return, so nothing on the test's stack holds them ----

    private WeakReference<Promise<String>> dropFailed(Throwable failure) {
        return new WeakReference<>(Promise.failed(loop(), failure));
    }

    private void dropMapped(Promise<String> source, RuntimeException failure) {
        source.map(s -> {
            throw failure;
        });
    }

    private WeakReference<Promise<String>> dropCancelled() {
        Promise<String> p = loop().newPromise();
        p.cancel();
        return new WeakReference<>(p);
    }

    private List<WeakReference<Promise<String>>> dropObserved(List<RuntimeException> failures) {
        List<Promise<String>> ps = new ArrayList<>();
        Promise<String> p0 = Promise.failed(loop(), failures.get(0));
        p0.whenComplete((v, e) -> { });
        ps.add(p0);
        Promise<String> p1 = Promise.failed(loop(), failures.get(1));
        assertThat(p1.cause()).isSameAs(failures.get(1));
        ps.add(p1);
        Promise<String> p2 = Promise.failed(loop(), failures.get(2));
        try {
            p2.join();
        } catch (RuntimeException expected) {
            // observed
        }
        ps.add(p2);
        Promise<String> p3 = Promise.failed(loop(), failures.get(3));
        p3.map(s -> s).whenComplete((v, e) -> { }); // the map's own failure is observed too
        ps.add(p3);
        Promise<String> p4 = loop().newPromise();
        p4.whenComplete((v, e) -> { });
        p4.fail(failures.get(4));
        ps.add(p4);
        return ps.stream().map(WeakReference::new).toList();
    }

    private List<Throwable> unobservedWarnings() {
        return handled.stream().filter(e -> e instanceof LoopWarning.UnobservedFailure).toList();
    }

    private LoopWarning.UnobservedFailure warningFor(Throwable failure) {
        return handled.stream()
                .filter(e -> e instanceof LoopWarning.UnobservedFailure && e.getCause() == failure)
                .map(LoopWarning.UnobservedFailure.class::cast)
                .findFirst()
                .orElse(null);
    }

    /** Collects garbage and runs the loop until {@code condition} holds; gives up after ~200 tries. */
    private void collectUntil(BooleanSupplier condition) {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            System.gc();
            runBriefly();
        }
        assertThat(condition.getAsBoolean()).as("not reported after 200 collections").isTrue();
    }

    /** Runs the loop for up to 20 ms of real time, so that reports posted by the cleaner get run. */
    private void runBriefly() {
        EventLoop l = loop();
        l.callLater(Duration.ofMillis(20), l::stop);
        l.runForever();
    }
}
