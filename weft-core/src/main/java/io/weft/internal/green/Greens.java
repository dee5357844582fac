package io.weft.internal.green;

import io.weft.future.Promise;
import io.weft.internal.dispatch.Dispatcher;
import io.weft.internal.dispatch.GreenScope;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopClosedException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

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
    private final Set<GreenThread> live = new LinkedHashSet<>();
    /** The green thread that last got the loop back through Weft; names slow continuations. */
    private GreenThread mounted;

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
        GreenThread g = new GreenThread(this, result);
        g.thread = builder.unstarted(() -> {
            try {
                run(g, task, result);
            } finally {
                if (onExit != null) {
                    onExit.run();
                }
            }
        });
        if (name != null) {
            g.thread.setName(name);
        }
        result.onCancel(g::cancel);
        live.add(g);
        g.thread.start();
        return g;
    }

    private <T> void run(GreenThread g, Callable<T> task, Promise<T> result) {
        try {
            T value = ScopedValue.where(GreenScope.CURRENT, g).call(() -> {
                mounted(g);
                g.checkCancelled();
                return task.call();
            });
            result.complete(value);
        } catch (Throwable e) {
            if (!result.fail(e) && !result.isCancelled()) {
                dispatcher.report(g + " failed after its promise was settled", e);
            }
        } finally {
            live.remove(g);
        }
    }

    void mounted(GreenThread g) {
        mounted = g;
    }

    /**
     * Any thread: the JDK submits a continuation to run. In debug mode it is wrapped so that a
     * slow-callback report can name the green thread; otherwise it goes to the loop as it is (a
     * wake-up of a parked green thread then costs the loop one task object, not two).
     */
    @Override
    public void execute(Runnable continuation) {
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
        return live.size();
    }

    /**
     * Cancels every green thread and runs the loop's ready callbacks until they have unwound,
     * for a closing loop. Returns the threads that ignored cancellation.
     */
    public List<GreenThread> cancelAll() {
        for (GreenThread g : List.copyOf(live)) {
            g.promise.cancel();
        }
        for (int i = 0; i < UNWIND_TURNS && !live.isEmpty(); i++) {
            dispatcher.runQueued();
        }
        return List.copyOf(live);
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
