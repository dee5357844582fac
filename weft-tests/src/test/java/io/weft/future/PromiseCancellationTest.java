package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancellation travels up a chain (cancelling what was derived cancels what it came from) and
 * down it (a cancelled source fails its dependents with {@link CancellationException}).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromiseCancellationTest {
    private final TestLoop t = new TestLoop();

    @AfterEach
    void close() {
        t.close();
    }

    // ---- up the chain ----

    @Test
    void cancellingTheEndOfAChainCancelsThePendingSource() {
        Promise<String> source = t.promise();
        AtomicInteger flatMapCalls = new AtomicInteger();
        Promise<Integer> mapped = source.map(String::length);
        Promise<Integer> flatMapped = mapped.flatMap(n -> {
            flatMapCalls.incrementAndGet();
            return Promise.completed(t.loop(), n);
        });
        Promise<String> end = flatMapped.map(String::valueOf);

        assertThat(end.cancel()).isTrue();

        assertThat(source.isCancelled()).isTrue();
        assertThat(mapped.isCancelled()).isTrue();
        assertThat(flatMapped.isCancelled()).isTrue();
        t.turns(5);
        assertThat(flatMapCalls).hasValue(0);
        assertThat(t.reports).isEmpty();
    }

    @Test
    void cancellingTheEndOfAChainCancelsTheInnerPromiseOnceThereIsOne() {
        Promise<String> source = t.promise();
        Promise<Integer> inner = t.promise();
        AtomicInteger flatMapCalls = new AtomicInteger();
        Promise<Integer> flatMapped = source.map(String::length).flatMap(n -> {
            flatMapCalls.incrementAndGet();
            return inner;
        });
        Promise<String> end = flatMapped.map(String::valueOf);
        source.complete("v");
        t.runUntil(() -> flatMapCalls.get() == 1);

        assertThat(end.cancel()).isTrue();

        assertThat(inner.isCancelled()).isTrue();
        assertThat(flatMapped.isCancelled()).isTrue();
        assertThat(source.resultNow()).as("the source was done already").isEqualTo("v");
    }

    @Test
    void aFlatMapCancelledBeforeItsFunctionRunsCancelsTheInnerPromiseItGets() {
        Promise<String> source = t.promise();
        Promise<Integer> inner = t.promise();
        Promise<Integer> flatMapped = source.flatMap(s -> inner);

        source.complete("v"); // flatMap's callback is now queued, not yet run
        flatMapped.cancel();
        t.runUntil(inner::isDone);

        assertThat(inner.isCancelled()).isTrue();
    }

    @Test
    void cancellingARecoveredPromiseCancelsItsSource() {
        Promise<String> source = t.promise();
        Promise<String> recovered = source.recover(e -> "x");

        recovered.cancel();

        assertThat(source.isCancelled()).isTrue();
    }

    @Test
    void cancelRunsOnTheCallingThreadAllTheWayUp() {
        Promise<String> source = t.promise();
        Promise<String> end = source.map(s -> s).map(s -> s).map(s -> s);

        end.cancel();

        // No turn of the loop was needed: the source is cancelled by the time cancel() returns.
        assertThat(source.isCancelled()).isTrue();
    }

    @Test
    void cancellingADoneDerivedPromiseDoesNotReachTheSource() {
        Promise<String> source = t.promise();
        Promise<String> derived = source.map(s -> s);
        derived.complete("completed directly");

        assertThat(derived.cancel()).isFalse();

        assertThat(source.isDone()).isFalse();
    }

    // ---- down the chain ----

    @Test
    void aCancelledSourceFailsEveryDependentWithCancellationException() {
        Promise<String> source = t.promise();
        Promise<Integer> mapped = source.map(String::length);
        Promise<Integer> flatMapped = source.flatMap(s -> Promise.completed(t.loop(), 1));
        Promise<String> recovered = source.recover(e -> "recovered");
        Promise<String> deep = source.map(s -> s).map(s -> s).flatMap(s -> Promise.completed(t.loop(), s));
        AtomicReference<Throwable> seen = new AtomicReference<>();
        source.whenComplete((v, e) -> seen.set(e));

        source.cancel();

        for (Promise<?> p : List.of(mapped, flatMapped, recovered, deep)) {
            assertThatThrownBy(() -> t.run(p)).isInstanceOf(CancellationException.class);
            assertThat(p.isCancelled()).as("%s", p).isTrue();
            assertThat(p.cause()).isInstanceOf(CancellationException.class);
        }
        assertThat(seen.get()).isInstanceOf(CancellationException.class);
    }

    @Test
    void aCancelledInnerPromiseCancelsTheFlatMap() {
        Promise<String> source = t.promise();
        Promise<Integer> inner = t.promise();
        Promise<Integer> flatMapped = source.flatMap(s -> inner);
        source.complete("v");

        inner.cancel(); // before or after flatMap's function ran: either way it reaches flatMapped

        assertThatThrownBy(() -> t.run(flatMapped)).isInstanceOf(CancellationException.class);
    }

    // ---- onCancel ----

    @Test
    void onCancelRunsOnTheCancellingThreadWhenCancelled() throws Exception {
        Promise<String> p = t.promise();
        List<String> ranOn = new ArrayList<>();
        p.onCancel(() -> ranOn.add(Thread.currentThread().getName()));

        Thread canceller = Thread.ofPlatform().name("canceller").start(p::cancel);
        canceller.join();

        assertThat(ranOn).containsExactly("canceller");
    }

    @Test
    void onCancelRunsAtOnceOnACancelledPromise() {
        Promise<String> p = t.promise();
        p.cancel();
        AtomicInteger runs = new AtomicInteger();

        p.onCancel(runs::incrementAndGet);

        assertThat(runs).hasValue(1);
    }

    @Test
    void onCancelDoesNotRunOnCompletionOrFailure() {
        Promise<String> completed = t.promise();
        Promise<String> failed = t.promise();
        AtomicInteger runs = new AtomicInteger();
        completed.onCancel(runs::incrementAndGet);
        failed.onCancel(runs::incrementAndGet);

        completed.complete("v");
        failed.fail(new RuntimeException("boom"));
        completed.cancel();
        failed.cancel();
        t.turns(2);

        assertThat(runs).hasValue(0);
    }

    @Test
    void onCancelActionsAllRunAndTheChainIsStillCancelled() {
        Promise<String> source = t.promise();
        Promise<String> derived = source.map(s -> s);
        List<String> ran = new ArrayList<>();
        derived.onCancel(() -> ran.add("first"));
        derived.onCancel(() -> ran.add("second"));

        derived.cancel();

        assertThat(ran).containsExactly("first", "second");
        assertThat(source.isCancelled()).as("onCancel must not replace the link to the source").isTrue();
    }

    @Test
    void onCancelOfAFlatMapStillRunsAfterTheInnerPromiseArrived() {
        Promise<String> source = t.promise();
        Promise<Integer> inner = t.promise();
        AtomicInteger flatMapCalls = new AtomicInteger();
        Promise<Integer> flatMapped = source.flatMap(s -> {
            flatMapCalls.incrementAndGet();
            return inner;
        });
        AtomicInteger runs = new AtomicInteger();
        flatMapped.onCancel(runs::incrementAndGet);
        source.complete("v");
        t.runUntil(() -> flatMapCalls.get() == 1);

        flatMapped.cancel();

        assertThat(inner.isCancelled()).isTrue();
        assertThat(runs).as("the onCancel action registered before the inner promise arrived").hasValue(1);
    }
}
