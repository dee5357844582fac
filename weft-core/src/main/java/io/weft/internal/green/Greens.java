package io.weft.internal.green;

import io.weft.future.Promise;
import io.weft.internal.dispatch.Dispatcher;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopClosedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A loop's green threads, and the scheduler that runs them: an {@link Executor} that the JDK
 * hands each virtual thread's continuation to, which runs it as an ordinary callback on the
 * loop thread. A green thread therefore only ever runs on its loop's thread, between other
 * callbacks, and switches only where it parks. Loop thread, except {@link #execute}.
 */
public final class Greens implements Executor {
    /** Turns {@link #cancelAll} gives cancelled threads to unwind when their loop closes. */
    private static final int UNWIND_TURNS = 100;

    private final EventLoop loop;
    private final Dispatcher dispatcher;
    private final Thread.Builder.OfVirtual builder;
    /** The loop's debug mode: continuations are wrapped to be named ({@link Continuation}). */
    private final boolean debug;
    /** The live threads, newest first, linked through their own fields; and how many. */
    private GreenThread first;
    private int live;
    /** The green thread that last got the loop back through Weft; names slow continuations. */
    private GreenThread mounted;
    /**
     * The loop thread while {@link #resumeNow} unparks a thread, so that {@link #execute} runs its
     * continuation there; null otherwise. Written on the loop thread only; another thread reading
     * it in execute never finds itself.
     */
    private Thread resumingOn;

    public Greens(EventLoop loop, Dispatcher dispatcher) {
        this.loop = loop;
        this.dispatcher = dispatcher;
        this.debug = loop.config().debug();
        this.builder = VirtualThreads.builder(this).name(loop.config().threadName() + "-green-", 0);
    }

    public <T> Promise<T> spawn(Callable<T> task) {
        return spawnThread(task, null).promise();
    }

    /**
     * Starts a green thread; {@code onExit}, if given, runs on the loop when the thread has
     * ended (after its {@code finally} blocks, unlike the promise, which a cancel settles at once).
     */
    public <T> GreenThread spawnThread(Callable<T> task, Runnable onExit) {
        return spawnThread(null, task, onExit);
    }

    /** Like {@link #spawnThread(Callable, Runnable)}, with a thread name (null: numbered). */
    public <T> GreenThread spawnThread(String name, Callable<T> task, Runnable onExit) {
        Promise<T> result = loop.newPromise();
        GreenThread g = new GreenThread(this, result, task, onExit);
        g.thread = builder.unstarted(g);
        g.thread.setUncaughtExceptionHandler(g); // marks it as a green thread (GreenScope)
        if (name != null) {
            g.thread.setName(name);
        }
        result.onCancel(g::cancel);
        link(g);
        g.thread.start();
        return g;
    }

    /** Adds a new thread to the live list: links in the threads themselves, no node per thread. */
    private void link(GreenThread g) {
        g.next = first;
        if (first != null) {
            first.prev = g;
        }
        first = g;
        live++;
    }

    /** A thread's body has ended: it leaves the live list. */
    void ended(GreenThread g) {
        if (g.prev != null) {
            g.prev.next = g.next;
        } else if (first == g) {
            first = g.next;
        }
        if (g.next != null) {
            g.next.prev = g.prev;
        }
        g.prev = g.next = null;
        live--;
    }

    void report(String context, Throwable error) {
        dispatcher.report(context, error);
    }

    void mounted(GreenThread g) {
        mounted = g;
    }

    /**
     * Runs {@code g}, parked, at once on the calling loop thread, inside the calling callback,
     * until it parks again or ends; in a green thread, or if {@code g} is not parked, the same
     * as {@link GreenThread#unpark}. For a wake-up that hands the thread something lent for the
     * callback only (the transport's bytes: {@code StreamReader.awaitData}), and that saves the
     * wake-up's task and its wait in the loop's queue. Loop thread, or its green threads.
     */
    void resumeNow(GreenThread g) {
        Thread me = Thread.currentThread();
        if (me.isVirtual()) {
            g.unpark(); // a continuation cannot run inside another: queue it
            return;
        }
        Thread outer = resumingOn;
        resumingOn = me;
        try {
            LockSupport.unpark(g.thread); // the JDK hands g's continuation to execute, right here
        } finally {
            resumingOn = outer;
        }
    }

    /**
     * Any thread: the JDK submits a continuation to run. Inside {@link #resumeNow} it runs at
     * once. Otherwise, in debug mode it is wrapped so that a slow-callback report can name the
     * green thread; outside it goes to the loop as it is (a wake-up of a parked green thread then
     * costs the loop one task object, not two).
     */
    @Override
    public void execute(Runnable continuation) {
        if (resumingOn == Thread.currentThread()) {
            resumingOn = null; // this continuation only: what it unparks in turn is queued
            continuation.run();
            return;
        }
        Runnable c = debug ? new Continuation(continuation) : continuation;
        try {
            dispatcher.dispatch(c);
        } catch (LoopClosedException e) {
            throw new RejectedExecutionException("the green thread's loop is closed", e);
        }
    }

    public EventLoop loop() {
        return loop;
    }

    public int liveCount() {
        return live;
    }

    /**
     * Cancels every green thread and runs the loop's ready callbacks until they have unwound,
     * for a closing loop. Returns the threads that ignored cancellation.
     */
    public List<GreenThread> cancelAll() {
        for (GreenThread g : liveThreads()) {
            g.promise.cancel();
        }
        for (int i = 0; i < UNWIND_TURNS && live > 0; i++) {
            dispatcher.runQueued();
        }
        return liveThreads();
    }

    private List<GreenThread> liveThreads() {
        List<GreenThread> all = new ArrayList<>(live);
        for (GreenThread g = first; g != null; g = g.next) {
            all.add(g);
        }
        return all;
    }

    /** A continuation as the loop sees it: its description names the green thread that ran. */
    private final class Continuation implements Runnable {
        private final Runnable run;
        private GreenThread ran;

        Continuation(Runnable run) {
            this.run = run;
        }

        @Override
        public void run() {
            mounted = null;
            try {
                run.run();
            } finally {
                ran = mounted;
            }
        }

        @Override
        public String toString() {
            return ran != null ? ran.toString()
                    : "a green thread (it last resumed outside Weft's blocking calls, e.g. a JDK lock or socket)";
        }
    }
}
