package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.loop.EventLoop;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Conversion to and from {@link CompletionStage} / {@link CompletableFuture}, cancellation both ways. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PromiseCompletionStageTest {
    private final RuntimeException boom = new RuntimeException("boom");
    private final TestLoop t = new TestLoop();

    @AfterEach
    void close() {
        t.close();
    }

    // ---- Promise -> CompletableFuture ----

    @Test
    void toCompletableFutureCompletesWithTheValueOnTheLoop() {
        Promise<String> p = t.promise();
        CompletableFuture<String> cf = p.toCompletableFuture();
        CompletableFuture<Boolean> dependentInLoop = cf.thenApply(v -> t.loop().inLoop());

        p.complete("v");
        assertThat(cf).as("completed inside complete()").isNotDone();
        t.runUntil(cf::isDone);

        assertThat(cf.join()).isEqualTo("v");
        assertThat(dependentInLoop.join()).as("a non-async dependent stage runs on the loop thread").isTrue();
    }

    @Test
    void toCompletableFutureFailsWithTheCause() {
        Promise<String> p = t.promise();
        CompletableFuture<String> cf = p.toCompletableFuture();

        p.fail(boom);
        t.runUntil(cf::isDone);

        assertThat(cf.isCompletedExceptionally()).isTrue();
        assertThat(cf.isCancelled()).isFalse();
        assertThatThrownBy(cf::join).isInstanceOf(CompletionException.class).hasCause(boom);
    }

    @Test
    void cancellingThePromiseCancelsTheCompletableFuture() {
        Promise<String> p = t.promise();
        CompletableFuture<String> cf = p.toCompletableFuture();

        p.cancel();
        t.runUntil(cf::isDone);

        assertThat(cf.isCancelled()).isTrue();
    }

    @Test
    void cancellingTheCompletableFutureCancelsThePromiseAndWhatItCameFrom() {
        Promise<String> source = t.promise();
        Promise<String> p = source.map(s -> s);
        CompletableFuture<String> cf = p.toCompletableFuture();

        assertThat(cf.cancel(true)).isTrue();

        assertThat(p.isCancelled()).isTrue();
        assertThat(source.isCancelled()).isTrue();
    }

    @Test
    void completingTheCompletableFutureByHandDoesNotTouchThePromise() {
        Promise<String> p = t.promise();
        CompletableFuture<String> cf = p.toCompletableFuture();

        cf.complete("by hand");
        cf.obtrudeException(boom);

        assertThat(p.isDone()).isFalse();
    }

    @Test
    void toCompletableFutureOfADonePromise() {
        CompletableFuture<String> cf = Promise.completed(t.loop(), "v").toCompletableFuture();

        t.runUntil(cf::isDone);

        assertThat(cf.join()).isEqualTo("v");
    }

    // ---- CompletionStage -> Promise ----

    @Test
    void fromCompletesWhenTheStageCompletes() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Promise<String> p = Promise.from(t.loop(), cf);
        assertThat(p.isDone()).isFalse();

        cf.complete("v");

        assertThat(t.run(p)).isEqualTo("v");
    }

    @Test
    void fromAStageCompletedOnAnotherThreadRunsCallbacksOnTheLoop() throws Exception {
        try (EventLoop loop = EventLoop.start(TestLoop.baseConfig().threadName("promise-stage-loop").build())) {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Promise<String> p = Promise.from(loop, cf);
            CompletableFuture<String> ranOn = new CompletableFuture<>();
            p.whenComplete((v, e) -> ranOn.complete(Thread.currentThread().getName() + " " + v));

            Thread.ofPlatform().name("stage-completer").start(() -> cf.complete("v")).join();

            assertThat(ranOn.get(10, TimeUnit.SECONDS)).isEqualTo("promise-stage-loop v");
        }
    }

    @Test
    void fromAFailedStageFailsWithTheCause() {
        Promise<String> p = Promise.from(t.loop(), CompletableFuture.failedFuture(boom));

        assertThatThrownBy(() -> t.run(p)).hasCause(boom);
        assertThat(p.cause()).isSameAs(boom);
    }

    @Test
    void fromADependentStageUnwrapsTheCompletionException() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        // A dependent stage reports its upstream failure as CompletionException(boom).
        CompletionStage<String> dependent = cf.thenApply(s -> s);
        Promise<String> p = Promise.from(t.loop(), dependent);

        cf.completeExceptionally(boom);

        assertThatThrownBy(() -> t.run(p)).hasCause(boom);
        assertThat(p.cause()).isSameAs(boom);
    }

    @Test
    void fromACancelledStageIsCancelled() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Promise<String> p = Promise.from(t.loop(), cf);
        Promise<String> p2 = Promise.from(t.loop(), cf.thenApply(s -> s));

        cf.cancel(false);

        assertThat(p.isCancelled()).isTrue();
        assertThat(p2.isCancelled()).as("through a dependent stage too").isTrue();
    }

    @Test
    void cancellingThePromiseCancelsTheStage() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Promise<String> p = Promise.from(t.loop(), cf);

        assertThat(p.cancel()).isTrue();

        assertThat(cf.isCancelled()).isTrue();
    }

    @Test
    void cancellingTheEndOfAChainCancelsTheStageAtItsStart() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Promise<Integer> end = Promise.from(t.loop(), cf).map(String::length).flatMap(n -> Promise.completed(t.loop(), n));

        end.cancel();

        assertThat(cf.isCancelled()).isTrue();
    }

    @Test
    void cancellingAPromiseFromAMinimalStageIsHarmless() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Promise<String> p = Promise.from(t.loop(), cf.minimalCompletionStage());

        assertThat(p.cancel()).isTrue();

        assertThat(p.isCancelled()).isTrue();
        cf.complete("later");
        t.turns(2);
        assertThat(p.isCancelled()).isTrue();
    }

    @Test
    void fromADoneStage() {
        Promise<String> p = Promise.from(t.loop(), CompletableFuture.completedStage("v"));

        assertThat(p.isDone()).isTrue();
        assertThat(t.run(p)).isEqualTo("v");
    }

    @Test
    void roundTripKeepsValueFailureAndCancellation() {
        Promise<String> ok = Promise.from(t.loop(), Promise.completed(t.loop(), "v").toCompletableFuture());
        Promise<String> bad = Promise.from(t.loop(), Promise.<String>failed(t.loop(), boom).toCompletableFuture());
        Promise<String> cancelledSource = t.promise();
        Promise<String> cancelled = Promise.from(t.loop(), cancelledSource.toCompletableFuture());
        cancelledSource.cancel();

        assertThat(t.run(ok)).isEqualTo("v");
        assertThatThrownBy(() -> t.run(bad)).hasCause(boom);
        assertThatThrownBy(() -> t.run(cancelled)).isInstanceOf(CancellationException.class);
    }
}
