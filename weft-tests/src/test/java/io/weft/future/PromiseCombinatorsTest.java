package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Promise#all} (gather) and {@link Promise#any} (first to settle). */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromiseCombinatorsTest {
    private final RuntimeException boom = new RuntimeException("boom");
    private final TestLoop t = new TestLoop();

    @AfterEach
    void close() {
        t.close();
    }

    // ---- all ----

    @Test
    void allGivesTheValuesInInputOrderWhateverOrderTheyCompleteIn() {
        Promise<String> a = t.promise();
        Promise<String> b = t.promise();
        Promise<String> c = t.promise();
        Promise<List<String>> all = Promise.all(t.loop(), List.of(a, b, c));

        t.loop().callSoon(() -> c.complete("c"));
        t.turns(2);
        assertThat(all.isDone()).as("done with inputs pending").isFalse();
        t.loop().callSoon(() -> a.complete("a"));
        t.loop().callSoon(() -> b.complete("b"));

        assertThat(t.run(all)).containsExactly("a", "b", "c");
    }

    @Test
    void allKeepsNullValuesInPlace() {
        Promise<String> a = t.promise();
        Promise<String> b = t.promise();
        Promise<List<String>> all = Promise.all(t.loop(), List.of(a, b));

        b.complete("b");
        a.complete(null);

        assertThat(t.run(all)).containsExactly(null, "b");
    }

    @Test
    void allOfInputsAlreadyDone() {
        Promise<List<Integer>> all = Promise.all(t.loop(),
                List.of(Promise.completed(t.loop(), 1), Promise.completed(t.loop(), 2)));

        assertThat(t.run(all)).containsExactly(1, 2);
    }

    @Test
    void allGivesAListTheCallerCannotChange() {
        Promise<List<Integer>> all = Promise.all(t.loop(), List.of(Promise.completed(t.loop(), 1)));

        List<Integer> values = t.run(all);

        assertThatThrownBy(() -> values.add(2)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void allOfNothingIsAnEmptyList() {
        Promise<List<Object>> all = Promise.all(t.loop(), List.of());

        assertThat(all.isDone()).isTrue();
        assertThat(t.run(all)).isEmpty();
    }

    @Test
    void allFailsAsSoonAsOneInputFailsAndLeavesTheOthersRunning() {
        Promise<String> slow = t.promise();
        Promise<String> failing = t.promise();
        Promise<List<String>> all = Promise.all(t.loop(), List.of(slow, failing));

        failing.fail(boom);

        assertThatThrownBy(() -> t.run(all)).isInstanceOf(CompletionException.class).hasCause(boom);
        assertThat(slow.isDone()).as("the other input is left alone").isFalse();
    }

    @Test
    void allFailsWithTheFirstFailureNotTheFirstInput() {
        Promise<String> a = t.promise();
        Promise<String> b = t.promise();
        Promise<List<String>> all = Promise.all(t.loop(), List.of(a, b));
        RuntimeException second = new RuntimeException("second");

        b.fail(boom);
        t.runUntil(all::isDone);
        a.fail(second);
        t.turns(3);

        assertThat(all.cause()).isSameAs(boom);
    }

    @Test
    void cancellingAllCancelsEveryInput() {
        Promise<String> a = t.promise();
        Promise<String> b = Promise.completed(t.loop(), "b");
        Promise<String> c = t.promise();
        Promise<List<String>> all = Promise.all(t.loop(), List.of(a, b, c));

        assertThat(all.cancel()).isTrue();

        assertThat(a.isCancelled()).isTrue();
        assertThat(c.isCancelled()).isTrue();
        assertThat(b.resultNow()).as("a done input stays done").isEqualTo("b");
    }

    @Test
    void allOfManyInputs() {
        List<Promise<Integer>> inputs = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            inputs.add(t.promise());
            expected.add(i);
        }
        Promise<List<Integer>> all = Promise.all(t.loop(), inputs);

        for (int i = inputs.size() - 1; i >= 0; i--) {
            inputs.get(i).complete(i);
        }

        assertThat(t.run(all)).isEqualTo(expected);
    }

    // ---- any ----

    @Test
    void anySettlesWithTheFirstValue() {
        Promise<String> a = t.promise();
        Promise<String> b = t.promise();
        Promise<String> any = Promise.any(t.loop(), List.of(a, b));

        b.complete("b");
        assertThat(t.run(any)).isEqualTo("b");

        a.complete("a");
        t.turns(3);
        assertThat(any.resultNow()).isEqualTo("b");
    }

    @Test
    void anySettlesWithTheFirstFailureWhenThatComesFirst() {
        Promise<String> a = t.promise();
        Promise<String> b = t.promise();
        Promise<String> any = Promise.any(t.loop(), List.of(a, b));

        a.fail(boom);
        t.runUntil(any::isDone);
        b.complete("b");
        t.turns(3);

        assertThat(any.cause()).isSameAs(boom);
    }

    @Test
    void anyLeavesTheLosersRunning() {
        Promise<String> a = t.promise();
        Promise<String> b = t.promise();
        Promise<String> any = Promise.any(t.loop(), List.of(a, b));

        a.complete("a");
        t.run(any);

        assertThat(b.isDone()).isFalse();
    }

    @Test
    void anyOfADoneInput() {
        Promise<String> any = Promise.any(t.loop(), List.of(t.promise(), Promise.completed(t.loop(), "done")));

        assertThat(t.run(any)).isEqualTo("done");
    }

    @Test
    void cancellingAnyCancelsEveryInput() {
        Promise<String> a = t.promise();
        Promise<String> b = t.promise();
        Promise<String> any = Promise.any(t.loop(), List.of(a, b));

        any.cancel();

        assertThat(a.isCancelled()).isTrue();
        assertThat(b.isCancelled()).isTrue();
    }

    @Test
    void anyOfNothingIsRefused() {
        assertThatThrownBy(() -> Promise.any(t.loop(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never complete");
    }
}
