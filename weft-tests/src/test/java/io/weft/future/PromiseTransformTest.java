package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** map, flatMap and recover: what flows through, what is transformed, what a throwing function does. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromiseTransformTest {
    private final RuntimeException boom = new RuntimeException("boom");
    private final TestLoop t = new TestLoop();

    @AfterEach
    void close() {
        t.close();
    }

    // ---- map ----

    @Test
    void mapAppliesTheFunctionToTheValue() {
        Promise<String> source = t.promise();
        Promise<Integer> length = source.map(String::length);

        source.complete("hello");

        assertThat(t.run(length)).isEqualTo(5);
    }

    @Test
    void mapPassesAFailureThroughWithoutCallingTheFunction() {
        Promise<String> source = t.promise();
        AtomicInteger calls = new AtomicInteger();
        Promise<Integer> mapped = source.map(s -> calls.incrementAndGet());

        source.fail(boom);

        assertThatThrownBy(() -> t.run(mapped)).isInstanceOf(CompletionException.class).hasCause(boom);
        assertThat(mapped.cause()).isSameAs(boom);
        assertThat(calls).hasValue(0);
    }

    @Test
    void mapFailsWithWhatTheFunctionThrows() {
        Promise<String> source = t.promise();
        Promise<Integer> mapped = source.map(s -> {
            throw boom;
        });

        source.complete("v");

        assertThatThrownBy(() -> t.run(mapped)).hasCause(boom);
        assertThat(t.reports).as("a failure of the derived promise, not an escaped exception").isEmpty();
    }

    @Test
    void mapMayProduceNull() {
        Promise<String> source = t.promise();
        Promise<Object> mapped = source.map(s -> null);

        source.complete("v");

        assertThat(t.run(mapped)).isNull();
        assertThat(mapped.isFailed()).isFalse();
    }

    @Test
    void mapOfADonePromiseRunsOnALaterTurn() {
        Promise<String> source = Promise.completed(t.loop(), "v");
        List<String> calls = new ArrayList<>();

        Promise<String> mapped = source.map(s -> {
            calls.add(s);
            return s + s;
        });

        assertThat(calls).isEmpty();
        assertThat(t.run(mapped)).isEqualTo("vv");
    }

    @Test
    void mapsChainInOrder() {
        Promise<Integer> source = t.promise();
        Promise<Integer> result = source.map(x -> x + 1).map(x -> x * 10).map(x -> x - 3);

        source.complete(1);

        assertThat(t.run(result)).isEqualTo(17);
    }

    // ---- flatMap ----

    @Test
    void flatMapSettlesLikeTheInnerPromise() {
        Promise<String> source = t.promise();
        Promise<Integer> inner = t.promise();
        Promise<Integer> result = source.flatMap(s -> inner);

        source.complete("v");
        t.turns(3);
        assertThat(result.isDone()).as("done before the inner promise").isFalse();
        t.loop().callSoon(() -> inner.complete(42));

        assertThat(t.run(result)).isEqualTo(42);
    }

    @Test
    void flatMapPassesTheValueToTheFunction() {
        Promise<String> source = t.promise();
        Promise<String> result = source.flatMap(s -> Promise.completed(t.loop(), s + "!"));

        source.complete("v");

        assertThat(t.run(result)).isEqualTo("v!");
    }

    @Test
    void flatMapFailsLikeTheInnerPromise() {
        Promise<String> source = t.promise();
        Promise<Integer> result = source.flatMap(s -> Promise.failed(t.loop(), boom));

        source.complete("v");

        assertThatThrownBy(() -> t.run(result)).hasCause(boom);
    }

    @Test
    void flatMapPassesAnOuterFailureThroughWithoutCallingTheFunction() {
        Promise<String> source = t.promise();
        AtomicInteger calls = new AtomicInteger();
        Promise<Integer> result = source.flatMap(s -> {
            calls.incrementAndGet();
            return Promise.completed(t.loop(), 1);
        });

        source.fail(boom);

        assertThatThrownBy(() -> t.run(result)).hasCause(boom);
        assertThat(calls).hasValue(0);
    }

    @Test
    void flatMapFailsWithWhatTheFunctionThrows() {
        Promise<String> source = t.promise();
        Promise<Integer> result = source.flatMap(s -> {
            throw boom;
        });

        source.complete("v");

        assertThatThrownBy(() -> t.run(result)).hasCause(boom);
    }

    @Test
    void flatMapFailsWhenTheFunctionReturnsNull() {
        Promise<String> source = t.promise();
        Promise<Integer> result = source.flatMap(s -> null);

        source.complete("v");
        t.runUntil(result::isDone); // not left pending, the NullPointerException off at the handler

        assertThat(result.cause()).isInstanceOf(NullPointerException.class);
    }

    // ---- recover ----

    @Test
    void recoverTurnsAFailureIntoAValue() {
        Promise<String> source = t.promise();
        Promise<String> recovered = source.recover(e -> "recovered from " + e.getMessage());

        source.fail(boom);

        assertThat(t.run(recovered)).isEqualTo("recovered from boom");
    }

    @Test
    void recoverPassesAValueThroughWithoutCallingTheFunction() {
        Promise<String> source = t.promise();
        AtomicInteger calls = new AtomicInteger();
        Promise<String> recovered = source.recover(e -> {
            calls.incrementAndGet();
            return "recovered";
        });

        source.complete("v");

        assertThat(t.run(recovered)).isEqualTo("v");
        assertThat(calls).hasValue(0);
    }

    @Test
    void recoverDoesNotRecoverACancellation() {
        Promise<String> source = t.promise();
        AtomicInteger calls = new AtomicInteger();
        Promise<String> recovered = source.recover(e -> {
            calls.incrementAndGet();
            return "recovered";
        });

        source.cancel();

        assertThatThrownBy(() -> t.run(recovered)).isInstanceOf(CancellationException.class);
        assertThat(recovered.isCancelled()).isTrue();
        assertThat(calls).hasValue(0);
    }

    @Test
    void recoverFailsWithWhatTheFunctionThrows() {
        Promise<String> source = t.promise();
        IllegalStateException second = new IllegalStateException("recovery failed too");
        Promise<String> recovered = source.recover(e -> {
            throw second;
        });

        source.fail(boom);

        assertThatThrownBy(() -> t.run(recovered)).hasCause(second);
    }

    @Test
    void recoverSeesTheFailureOfAMapUpstream() {
        Promise<String> source = t.promise();
        Promise<Integer> result = source.<Integer>map(s -> {
            throw boom;
        }).recover(e -> e == boom ? -1 : -2);

        source.complete("v");

        assertThat(t.run(result)).isEqualTo(-1);
    }
}
