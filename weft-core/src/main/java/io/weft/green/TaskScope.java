package io.weft.green;

import io.weft.future.Promise;
import io.weft.internal.green.GreenThread;
import io.weft.internal.loop.Loop;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Structured concurrency for green threads: a scope starts child green threads and does not
 * end before all of them have, like Trio's nursery or the JDK's StructuredTaskScope.
 *
 * <pre>{@code
 * try (TaskScope scope = TaskScope.open(Duration.ofSeconds(5))) {
 *     Promise<String> a = scope.fork(() -> fetch("a"));
 *     Promise<String> b = scope.fork(() -> fetch("b"));
 *     scope.join();                      // both done, or the first failure thrown
 *     return a.resultNow() + b.resultNow();
 * }
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>When a child fails, the others are cancelled and {@link #join()} throws
 *       {@link CompletionException} with that first failure.</li>
 *   <li>When the deadline passes, every child is cancelled and {@link #join()} throws
 *       {@link CompletionException} with a {@link TimeoutException}.</li>
 *   <li>When the thread in {@link #join()} is cancelled, it cancels the children, waits for
 *       them to unwind, then throws {@link CancellationException}.</li>
 *   <li>{@link #close()} cancels the children still running and waits for them: nothing a
 *       scope started outlives it.</li>
 * </ul>
 * A scope belongs to the green thread that opened it; only that thread may fork, join or
 * close it.
 */
public final class TaskScope implements AutoCloseable {
    private final GreenThread owner;
    private final EventLoop loop;
    private final List<Promise<?>> children = new ArrayList<>();
    private final TimerHandle deadlineTimer;
    private final Duration deadline;
    private int running;
    private Throwable firstFailure;
    private boolean deadlinePassed;
    private boolean closed;

    private TaskScope(GreenThread owner, Duration deadline) {
        this.owner = owner;
        this.loop = owner.greens().loop();
        this.deadline = deadline;
        this.deadlineTimer = deadline == null ? null : loop.callLater(deadline, () -> {
            deadlinePassed = true;
            cancelChildren();
            owner.unpark();
        });
    }

    /** A scope without a deadline, owned by the calling green thread. */
    public static TaskScope open() {
        return new TaskScope(GreenThread.require("TaskScope.open"), null);
    }

    /** A scope whose children are all cancelled when {@code deadline} passes. */
    public static TaskScope open(Duration deadline) {
        return new TaskScope(GreenThread.require("TaskScope.open"), deadline);
    }

    /** Starts {@code task} in a child green thread of this scope. */
    public <T> Promise<T> fork(Callable<T> task) {
        checkOwner("fork");
        if (closed) {
            throw new IllegalStateException("this task scope is closed; open a new one to start more work");
        }
        Promise<T>[] child = newPromiseSlot();
        // Counted down when the child's thread has ended, not when its promise settles: a
        // cancel settles the promise at once, while the thread may still be unwinding.
        GreenThread g = Loop.of(loop).greens().spawnThread(task, () -> {
            running--;
            Throwable e = child[0].cause();
            if (e != null && !(e instanceof CancellationException) && firstFailure == null) {
                firstFailure = e;
                cancelChildren();
            }
            owner.unpark();
        });
        child[0] = g.promise();
        children.add(child[0]);
        running++;
        if (firstFailure != null || deadlinePassed) {
            child[0].cancel();
        }
        return child[0];
    }

    @SuppressWarnings("unchecked")
    private static <T> Promise<T>[] newPromiseSlot() {
        return (Promise<T>[]) new Promise<?>[1];
    }

    /**
     * Waits until every child is done. Throws the first failure (see the class rules); returns
     * normally only when every child succeeded.
     */
    public void join() {
        checkOwner("join");
        try {
            while (running > 0) {
                owner.park();
            }
        } catch (CancellationException e) {
            cancelChildren();
            awaitChildrenShielded();
            throw e;
        }
        if (firstFailure != null) {
            throw new CompletionException(firstFailure);
        }
        if (deadlinePassed) {
            throw new CompletionException(new TimeoutException("task scope deadline of " + deadline.toMillis()
                    + " ms passed"));
        }
    }

    /** Cancels every child still running; {@link #join()} then returns once they unwound. */
    public void cancel() {
        cancelChildren();
    }

    /** Cancels the children still running and waits for them to end. Idempotent. */
    @Override
    public void close() {
        checkOwner("close");
        if (closed) {
            return;
        }
        closed = true;
        cancelChildren();
        awaitChildrenShielded();
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
        }
    }

    private void cancelChildren() {
        for (Promise<?> c : List.copyOf(children)) {
            c.cancel();
        }
    }

    private void awaitChildrenShielded() {
        while (running > 0) {
            owner.parkShielded();
        }
    }

    private void checkOwner(String what) {
        if (GreenThread.current() != owner) {
            throw new WrongThreadException("TaskScope." + what + " must be called by the green thread that opened the scope");
        }
    }
}
