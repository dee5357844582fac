package io.weft.future;

import io.weft.internal.dispatch.GreenScope;
import io.weft.internal.loop.LoopHost;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopClosedException;
import io.weft.loop.LoopWarning;
import io.weft.loop.TimerHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The result of an operation that finishes later: Weft's future.
 *
 * <p>A promise belongs to one {@link EventLoop}, and its callbacks always run on that loop,
 * one turn after completion at the earliest, never inside the call that completed it. It is
 * pending until exactly one of {@link #complete}, {@link #fail} or {@link #cancel} succeeds;
 * after that it never changes.
 *
 * <p>Cancellation travels up a chain: cancelling the promise returned by {@link #map},
 * {@link #flatMap}, {@link #recover} or {@link #withTimeout} cancels the promise it came from
 * (and, for {@code flatMap}, the inner promise once there is one). A cancelled promise counts as
 * failed with {@link CancellationException}, so that failure also flows down the chain.
 *
 * <p>Threading: every method may be called from any thread. {@link #join()} blocks, so it must
 * not be called on the loop thread while the promise is pending (it throws instead of hanging
 * the loop).
 *
 * @param <T> the type of the value
 */
public final class Promise<T> {
    private static final VarHandle RESULT;
    private static final VarHandle CALLBACKS;
    private static final VarHandle CANCEL_ACTIONS;
    /** {@link #cancelActions} once {@link #cancel()} took them: later actions run at once. */
    private static final Action CANCEL_RAN = new Action(null, null);
    /** {@link #cancelActions} once the promise settled otherwise: later actions never run. */
    private static final Action CANCEL_NEVER = new Action(null, null);
    private static final Object NIL = new Object();
    private static final Node DONE = new Node(null, null);
    private static final Cleaner CLEANER = Cleaner.create();

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RESULT = l.findVarHandle(Promise.class, "result", Object.class);
            CALLBACKS = l.findVarHandle(Promise.class, "callbacks", Node.class);
            CANCEL_ACTIONS = l.findVarHandle(Promise.class, "cancelActions", Action.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventLoop loop;
    /** null while pending; then {@link #NIL}, the value, or a {@link Failure}. */
    private volatile Object result;
    /** Callbacks waiting to run, newest first; {@link #DONE} once the loop took them (see {@link #runWaiting}). */
    private volatile Node callbacks;
    /**
     * What cancelling this promise also does (cancel what it was derived from, release a
     * resource): a lock-free stack, newest first, or {@link #CANCEL_RAN} / {@link #CANCEL_NEVER}
     * once settled. Taking the whole stack with one atomic swap is what makes each action run
     * exactly once however {@link #onCancel} and {@link #cancel} race.
     */
    private volatile Action cancelActions;
    /** Threads blocked in {@link #join()}. */
    private volatile int joiners;
    /** Debug mode: tracks a failure until someone looks at it. */
    private volatile Unobserved unobserved;

    /** A pending promise whose callbacks run on {@code loop}. */
    public Promise(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    public static <T> Promise<T> completed(EventLoop loop, T value) {
        Promise<T> p = new Promise<>(loop);
        p.complete(value);
        return p;
    }

    public static <T> Promise<T> failed(EventLoop loop, Throwable failure) {
        Promise<T> p = new Promise<>(loop);
        p.fail(failure);
        return p;
    }

    /**
     * A promise that completes as {@code stage} does. Cancelling the promise cancels the
     * stage's {@link CompletableFuture} when it has one.
     */
    public static <T> Promise<T> from(EventLoop loop, CompletionStage<T> stage) {
        Promise<T> p = new Promise<>(loop);
        stage.whenComplete((v, e) -> p.settle(v, unwrap(e)));
        p.onCancel(() -> {
            try {
                stage.toCompletableFuture().cancel(false);
            } catch (UnsupportedOperationException ignored) {
                // a stage without a future behind it: nothing to cancel
            }
        });
        return p;
    }

    /**
     * A promise of every value, in the order given; it fails as soon as one input fails, with
     * that input's failure (the others keep running). Cancelling it cancels every input.
     */
    public static <T> Promise<List<T>> all(EventLoop loop, List<? extends Promise<? extends T>> promises) {
        Promise<List<T>> out = new Promise<>(loop);
        int n = promises.size();
        if (n == 0) {
            out.complete(List.of());
            return out;
        }
        // Inputs may belong to other loops, whose callbacks run on other threads.
        AtomicReferenceArray<T> values = new AtomicReferenceArray<>(n);
        AtomicInteger left = new AtomicInteger(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            promises.get(i).whenComplete((v, e) -> {
                if (e != null) {
                    out.failOrCancel(e);
                } else {
                    values.set(index, v);
                    if (left.decrementAndGet() == 0) {
                        List<T> list = new ArrayList<>(n);
                        for (int k = 0; k < n; k++) {
                            list.add(values.get(k));
                        }
                        out.complete(Collections.unmodifiableList(list));
                    }
                }
            });
        }
        out.onCancel(() -> promises.forEach(Promise::cancel));
        return out;
    }

    /**
     * A promise that settles like the first input to settle, success or failure. The others
     * keep running; cancelling the result cancels every input.
     */
    public static <T> Promise<T> any(EventLoop loop, List<? extends Promise<? extends T>> promises) {
        if (promises.isEmpty()) {
            throw new IllegalArgumentException("any() of no promises would never complete");
        }
        Promise<T> out = new Promise<>(loop);
        for (Promise<? extends T> p : promises) {
            p.whenComplete(out::settle);
        }
        out.onCancel(() -> promises.forEach(Promise::cancel));
        return out;
    }

    // ---- completing ----

    /** Completes with {@code value}; false if already done. */
    public boolean complete(T value) {
        return settleWith(value == null ? NIL : value, false);
    }

    /** Fails with {@code failure}; false if already done. */
    public boolean fail(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        boolean watched = callbacks != null || joiners > 0;
        boolean done = settleWith(new Failure(failure), false);
        if (done && !watched && loop.config().debug() && !(failure instanceof CancellationException)) {
            trackUnobserved(failure);
        }
        return done;
    }

    /**
     * Cancels the promise if it is pending: it fails with {@link CancellationException}, and
     * what it was derived from is cancelled too. Returns whether this call cancelled it.
     */
    public boolean cancel() {
        return settleWith(new Failure(new CancellationException("cancelled")), true);
    }

    /**
     * Runs {@code action} when this promise is cancelled, on the thread that calls
     * {@link #cancel()}; at once if it already was; never if it settles otherwise. Actions run
     * once each, in the order they were added, whatever threads add them and cancel. For
     * resources a cancellation must release.
     */
    public Promise<T> onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        for (;;) {
            Action head = cancelActions;
            if (head == CANCEL_RAN) {
                action.run();
                return this;
            }
            if (head == CANCEL_NEVER) {
                return this;
            }
            if (CANCEL_ACTIONS.compareAndSet(this, head, new Action(action, head))) {
                return this;
            }
        }
    }

    private static void runCancelActions(Action taken) {
        if (taken == null || taken == CANCEL_RAN || taken == CANCEL_NEVER) {
            return;
        }
        // The stack is newest first; run oldest first.
        java.util.ArrayDeque<Runnable> inOrder = new java.util.ArrayDeque<>();
        for (Action a = taken; a != null; a = a.next) {
            inOrder.push(a.run);
        }
        for (Runnable r : inOrder) {
            r.run();
        }
    }

    /** One {@link #onCancel} action in the stack. */
    private record Action(Runnable run, Action next) {
    }

    private boolean settleWith(Object outcome, boolean byCancel) {
        if (!RESULT.compareAndSet(this, null, outcome)) {
            return false;
        }
        if (joiners > 0) {
            synchronized (this) {
                notifyAll();
            }
        }
        // One swap takes every action added so far; any added later sees the mark. Only cancel()
        // runs them; a promise cancelled by settling with a CancellationException (its source was
        // cancelled) runs only those added from now on, and any other outcome none at all.
        boolean cancelled = outcome instanceof Failure f && f.cause instanceof CancellationException;
        Action taken = (Action) CANCEL_ACTIONS.getAndSet(this, cancelled ? CANCEL_RAN : CANCEL_NEVER);
        if (byCancel) {
            runCancelActions(taken);
        }
        if (!CALLBACKS.compareAndSet(this, null, DONE)) {
            schedule(this::runWaiting);
        }
        return true;
    }

    /**
     * Runs the callbacks registered before completion and any added since. They are taken off
     * the list here, on the loop, not when the promise completes: completed by another thread,
     * this task waits in the loop's inbox, and a callback the loop thread registers meanwhile
     * must queue up behind the earlier ones rather than be dispatched alone and overtake them.
     */
    private void runWaiting() {
        runCallbacks(reverse((Node) CALLBACKS.getAndSet(this, DONE)));
    }

    private void settle(Object value, Throwable failure) {
        @SuppressWarnings("unchecked")
        T v = (T) value;
        if (failure == null) {
            complete(v);
        } else {
            failOrCancel(failure);
        }
    }

    private void failOrCancel(Throwable failure) {
        if (failure instanceof CancellationException) {
            cancel();
        } else {
            fail(failure);
        }
    }

    // ---- observing ----

    public boolean isDone() {
        return result != null;
    }

    public boolean isCancelled() {
        return result instanceof Failure f && f.cause instanceof CancellationException;
    }

    /** Done with a failure, cancellation included. */
    public boolean isFailed() {
        return result instanceof Failure;
    }

    /** The failure, {@link CancellationException} if cancelled, or null if pending or succeeded. */
    public Throwable cause() {
        observed();
        return result instanceof Failure f ? f.cause : null;
    }

    /** The value of a promise that succeeded; throws {@link IllegalStateException} otherwise. */
    public T resultNow() {
        Object r = result;
        if (r == null || r instanceof Failure) {
            observed();
            throw new IllegalStateException("promise has no value: " + this);
        }
        return value(r);
    }

    /**
     * Waits for the outcome and returns the value. Throws {@link CancellationException} if
     * cancelled and {@link CompletionException} wrapping the failure if failed, as
     * {@link CompletableFuture#join()} does. On the loop thread it throws
     * {@link WrongThreadException} rather than wait: the loop would wait for itself. In a green
     * thread it parks the green thread, like {@link io.weft.green.Green#await}.
     */
    public T join() {
        Object r = result;
        if (r == null) {
            LoopHost host = LoopHost.current();
            if (host != null && host.hosts(loop) && !loop.inLoop() && !GreenScope.inGreenThread()) {
                // A simulation's one thread runs every loop: waiting means running them.
                host.runUntil(this::isDone);
                r = result;
            }
        }
        if (r == null) {
            // The loop's own thread waiting here would wait for itself. A green thread of the loop
            // counts as in the loop but may wait: it parks, and the loop goes on.
            if (loop.inLoop() && !GreenScope.inGreenThread()) {
                throw new WrongThreadException("join() on the loop thread would block the loop that must complete"
                        + " this promise; use whenComplete/map/flatMap, or join inside a green thread");
            }
            r = await();
        }
        observed();
        if (r instanceof Failure f) {
            if (f.cause instanceof CancellationException c) {
                throw c;
            }
            throw new CompletionException(f.cause);
        }
        return value(r);
    }

    private Object await() {
        boolean interrupted = false;
        synchronized (this) {
            joiners++;
            try {
                while (result == null) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                joiners--;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    /**
     * Calls {@code callback} with the value (and null) or null and the failure once this
     * promise is done, on the loop. Returns this promise.
     */
    public Promise<T> whenComplete(BiConsumer<? super T, ? super Throwable> callback) {
        Objects.requireNonNull(callback, "callback");
        observed();
        Node node = new Node(callback, null);
        while (true) {
            Node head = callbacks;
            if (head == DONE) {
                dispatch(node);
                return this;
            }
            node.next = head;
            if (CALLBACKS.compareAndSet(this, head, node)) {
                return this;
            }
        }
    }

    /** A promise of {@code fn} applied to the value; failures pass through. */
    public <U> Promise<U> map(Function<? super T, ? extends U> fn) {
        Promise<U> out = derived();
        whenComplete((v, e) -> {
            if (e != null) {
                out.failOrCancel(e);
                return;
            }
            try {
                out.complete(fn.apply(v));
            } catch (Throwable t) {
                out.fail(t);
            }
        });
        return out;
    }

    /** A promise of the promise {@code fn} returns for the value; failures pass through. */
    public <U> Promise<U> flatMap(Function<? super T, ? extends Promise<U>> fn) {
        Promise<U> out = derived();
        whenComplete((v, e) -> {
            if (e != null) {
                out.failOrCancel(e);
                return;
            }
            Promise<U> inner;
            try {
                inner = Objects.requireNonNull(fn.apply(v), "flatMap's function returned null, not a promise");
            } catch (Throwable t) {
                out.fail(t);
                return;
            }
            // Added to, not replacing, what cancelling out already does: its onCancel actions.
            out.onCancel(inner::cancel);
            inner.whenComplete(out::settle);
        });
        return out;
    }

    /** A promise that turns a failure (not a cancellation) into a value with {@code fn}. */
    public Promise<T> recover(Function<? super Throwable, ? extends T> fn) {
        Promise<T> out = derived();
        whenComplete((v, e) -> {
            if (e == null) {
                out.complete(v);
            } else if (e instanceof CancellationException) {
                out.cancel();
            } else {
                try {
                    out.complete(fn.apply(e));
                } catch (Throwable t) {
                    out.fail(t);
                }
            }
        });
        return out;
    }

    /**
     * A promise that settles like this one, or fails with {@link TimeoutException} if this one
     * is not done within {@code timeout} of the loop's clock; this one is then cancelled.
     */
    public Promise<T> withTimeout(Duration timeout) {
        Promise<T> out = derived();
        onLoop(() -> {
            if (out.isDone()) {
                return;
            }
            TimerHandle timer = loop.callLater(timeout, () -> {
                if (out.fail(new TimeoutException("timed out after " + timeout.toMillis() + " ms"))) {
                    cancel();
                }
            });
            whenComplete((v, e) -> {
                timer.cancel();
                out.settle(v, e);
            });
        });
        return out;
    }

    /**
     * A {@link CompletableFuture} that completes as this promise does (its dependent stages run
     * on the loop thread unless made async). Cancelling it cancels this promise.
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        whenComplete((v, e) -> {
            if (e == null) {
                cf.complete(v);
            } else if (e instanceof CancellationException) {
                cf.cancel(false);
            } else {
                cf.completeExceptionally(e);
            }
        });
        cf.whenComplete((v, e) -> {
            if (e instanceof CancellationException) {
                cancel();
            }
        });
        return cf;
    }

    /** The loop this promise's callbacks run on. */
    public EventLoop loop() {
        return loop;
    }

    // ---- internals ----

    private <U> Promise<U> derived() {
        Promise<U> out = new Promise<>(loop);
        out.onCancel(this::cancel);
        return out;
    }

    private void onLoop(Runnable r) {
        if (loop.inLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    /** Hands callbacks (a list in call order) to the loop to run in one task. */
    private void dispatch(Node first) {
        schedule(() -> runCallbacks(first));
    }

    private void schedule(Runnable run) {
        try {
            if (loop.inLoop()) {
                loop.callSoon(run);
            } else {
                loop.execute(run);
            }
        } catch (LoopClosedException e) {
            // The loop is gone and with it every callback's reason to run.
        }
    }

    private void runCallbacks(Node first) {
        Object r = result;
        T value = r instanceof Failure ? null : value(r);
        Throwable failure = r instanceof Failure f ? f.cause : null;
        for (Node n = first; n != null; n = n.next) {
            try {
                @SuppressWarnings("unchecked")
                BiConsumer<Object, Throwable> cb = (BiConsumer<Object, Throwable>) n.callback;
                cb.accept(value, failure);
            } catch (Throwable e) {
                loop.reportException("callback " + n.callback + " of " + this, e);
            }
        }
    }

    private static Node reverse(Node head) {
        Node prev = null;
        while (head != null) {
            Node next = head.next;
            head.next = prev;
            prev = head;
            head = next;
        }
        return prev;
    }

    @SuppressWarnings("unchecked")
    private T value(Object r) {
        return r == NIL ? null : (T) r;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private void observed() {
        Unobserved u = unobserved;
        if (u != null) {
            u.observed = true;
        }
    }

    /** Debug mode: warn when this failed promise is collected while nobody looked at it. */
    private void trackUnobserved(Throwable failure) {
        Unobserved u = new Unobserved(loop, toString(), failure);
        unobserved = u;
        CLEANER.register(this, u);
    }

    @Override
    public String toString() {
        Object r = result;
        String state = r == null ? "pending"
                : r instanceof Failure f ? (f.cause instanceof CancellationException ? "cancelled" : "failed: " + f.cause)
                : "done: " + value(r);
        return "Promise@" + Integer.toHexString(System.identityHashCode(this)) + "[" + state + "]";
    }

    private record Failure(Throwable cause) {
    }

    private static final class Node {
        final BiConsumer<?, ?> callback;
        Node next;

        Node(BiConsumer<?, ?> callback, Node next) {
            this.callback = callback;
            this.next = next;
        }
    }

    /** Runs on the cleaner thread when a tracked promise is collected; must not refer to it. */
    private static final class Unobserved implements Runnable {
        private final EventLoop loop;
        private final String description;
        private final Throwable failure;
        volatile boolean observed;

        Unobserved(EventLoop loop, String description, Throwable failure) {
            this.loop = loop;
            this.description = description;
            this.failure = failure;
        }

        @Override
        public void run() {
            if (observed) {
                return;
            }
            LoopWarning w = new LoopWarning.UnobservedFailure(description, failure);
            try {
                loop.execute(() -> loop.reportException("future " + description, w));
            } catch (LoopClosedException e) {
                System.getLogger("io.weft.loop").log(System.Logger.Level.WARNING, w.getMessage(), failure);
            }
        }
    }
}
