package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** complete / fail / cancel: exactly one wins, and the promise never changes after that. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromiseSettlingTest {
    private final RuntimeException boom = new RuntimeException("boom");
    private TestLoop t;

    @AfterEach
    void close() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void pendingPromiseHasNeitherValueNorCause() {
        t = new TestLoop();
        Promise<String> p = t.promise();

        assertThat(p.isDone()).isFalse();
        assertThat(p.isFailed()).isFalse();
        assertThat(p.isCancelled()).isFalse();
        assertThat(p.cause()).isNull();
        assertThatThrownBy(p::resultNow).isInstanceOf(IllegalStateException.class);
        assertThat(p.loop()).isSameAs(t.loop());
    }

    @Test
    void completeWinsOverEverythingAfterIt() {
        t = new TestLoop();
        Promise<String> p = t.promise();

        assertThat(p.complete("first")).isTrue();
        assertThat(p.complete("second")).isFalse();
        assertThat(p.fail(boom)).isFalse();
        assertThat(p.cancel()).isFalse();

        assertThat(p.isDone()).isTrue();
        assertThat(p.isFailed()).isFalse();
        assertThat(p.isCancelled()).isFalse();
        assertThat(p.cause()).isNull();
        assertThat(p.resultNow()).isEqualTo("first");
    }

    @Test
    void failWinsOverEverythingAfterIt() {
        t = new TestLoop();
        Promise<String> p = t.promise();

        assertThat(p.fail(boom)).isTrue();
        assertThat(p.fail(new IllegalStateException())).isFalse();
        assertThat(p.complete("late")).isFalse();
        assertThat(p.cancel()).isFalse();

        assertThat(p.isDone()).isTrue();
        assertThat(p.isFailed()).isTrue();
        assertThat(p.isCancelled()).isFalse();
        assertThat(p.cause()).isSameAs(boom);
        assertThatThrownBy(p::resultNow).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancelWinsOverEverythingAfterIt() {
        t = new TestLoop();
        Promise<String> p = t.promise();

        assertThat(p.cancel()).isTrue();
        assertThat(p.cancel()).isFalse();
        assertThat(p.complete("late")).isFalse();
        assertThat(p.fail(boom)).isFalse();

        assertThat(p.isDone()).isTrue();
        assertThat(p.isCancelled()).isTrue();
        assertThat(p.isFailed()).as("a cancelled promise counts as failed").isTrue();
        assertThat(p.cause()).isInstanceOf(CancellationException.class);
        assertThatThrownBy(p::resultNow).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void failingWithACancellationExceptionIsNotACancel() {
        t = new TestLoop();
        Promise<String> source = t.promise();
        Promise<String> p = source.map(s -> s);

        p.fail(new CancellationException("a failure that happens to be this type"));

        // fail() only settles; cancel() is what travels up the chain.
        assertThat(source.isCancelled()).isFalse();
    }

    @Test
    void nullIsAValue() {
        t = new TestLoop();
        Promise<String> p = t.promise();
        List<Object> seen = new ArrayList<>();
        p.whenComplete((v, e) -> {
            seen.add(v);
            seen.add(e);
        });

        assertThat(p.complete(null)).isTrue();
        assertThat(p.complete("not null")).as("null still counts as the outcome").isFalse();
        t.runUntil(() -> !seen.isEmpty());

        assertThat(p.isDone()).isTrue();
        assertThat(p.isFailed()).isFalse();
        assertThat(p.resultNow()).isNull();
        assertThat(seen).containsExactly(null, null);
    }

    @Test
    void failRequiresAFailure() {
        t = new TestLoop();
        Promise<String> p = t.promise();

        assertThatThrownBy(() -> p.fail(null)).isInstanceOf(NullPointerException.class);
        assertThat(p.isDone()).isFalse();
    }

    @Test
    void factoriesMakeDonePromises() {
        t = new TestLoop();

        Promise<String> ok = Promise.completed(t.loop(), "v");
        Promise<String> bad = Promise.failed(t.loop(), boom);

        assertThat(ok.resultNow()).isEqualTo("v");
        assertThat(bad.cause()).isSameAs(boom);
        assertThat(ok.loop()).isSameAs(t.loop());
        assertThat(bad.loop()).isSameAs(t.loop());
    }

    @Test
    void callbacksSeeOnlyTheOutcomeThatWon() {
        t = new TestLoop();
        Promise<String> p = t.promise();
        List<String> seen = new ArrayList<>();
        p.whenComplete((v, e) -> seen.add(v + "/" + e));

        p.complete("won");
        p.fail(boom);
        p.cancel();
        t.runUntil(() -> !seen.isEmpty());
        t.turns(3);

        assertThat(seen).containsExactly("won/null");
    }

    @Test
    void exactlyOneOfManyRacingThreadsWins() throws Exception {
        t = new TestLoop();
        int threads = 4;
        int rounds = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                Promise<Integer> p = t.promise();
                AtomicInteger callbackRuns = new AtomicInteger();
                p.whenComplete((v, e) -> callbackRuns.incrementAndGet());
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<Boolean>> attempts = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    int who = i;
                    attempts.add(pool.submit(() -> {
                        start.await();
                        return switch (who % 3) {
                            case 0 -> p.complete(who);
                            case 1 -> p.fail(new RuntimeException("thread " + who));
                            default -> p.cancel();
                        };
                    }));
                }
                int winner = -1;
                for (int i = 0; i < threads; i++) {
                    if (attempts.get(i).get()) {
                        assertThat(winner).as("a second winner in round %d", round).isEqualTo(-1);
                        winner = i;
                    }
                }
                assertThat(winner).as("no winner in round %d", round).isNotEqualTo(-1);

                switch (winner % 3) {
                    case 0 -> assertThat(p.resultNow()).isEqualTo(winner);
                    case 1 -> assertThat(p.cause()).hasMessage("thread " + winner);
                    default -> assertThat(p.isCancelled()).isTrue();
                }
                t.runUntil(() -> callbackRuns.get() > 0);
                t.turns(1);
                assertThat(callbackRuns).hasValue(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
