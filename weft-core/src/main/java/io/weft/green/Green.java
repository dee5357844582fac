package io.weft.green;

import io.weft.future.Promise;
import io.weft.internal.green.GreenThread;
import io.weft.internal.loop.Loop;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * Blocking-style calls for green threads: code that reads as if it blocks, while the loop goes
 * on running callbacks and other green threads whenever it waits.
 *
 * <p>A green thread is started with {@link EventLoop#spawn} (or {@link #spawn}). It runs only
 * on its loop's thread, so it shares state with the loop's callbacks and with the other green
 * threads of the loop without locks, and switches only inside the blocking calls below (and
 * the blocking calls of {@link GreenSocket} and friends). Everything here throws
 * {@link WrongThreadException} outside a green thread, and
 * {@link CancellationException} once the thread was cancelled.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>A green thread that computes for long, or calls something that blocks its carrier
 *       (a native call, a class initialiser, a {@code synchronized} wait on the loop thread's
 *       lock), holds the whole loop. Debug mode names it in the slow-callback warning; call
 *       {@link #yieldNow()} in long loops.</li>
 *   <li>Never share a lock between a green thread and a callback of the same loop: if the green
 *       thread parks holding it, the callback blocks the loop thread and the green thread can
 *       never run to release it. They run on one thread; they need no lock.</li>
 *   <li>Use per-loop state, not {@link ThreadLocal}s: each green thread is its own thread.</li>
 *   <li>Do not replace a green thread's uncaught-exception handler
 *       ({@code Thread.setUncaughtExceptionHandler}): it is how Weft knows the thread is a
 *       green thread (what escapes the thread goes to the loop's exception handler anyway).</li>
 * </ul>
 */
public final class Green {
    private Green() {
    }

    /** Same as {@code loop.spawn(task)}. */
    public static <T> Promise<T> spawn(EventLoop loop, Callable<T> task) {
        return loop.spawn(task);
    }

    /**
     * Like {@link EventLoop#spawn}, naming the green thread: the name shows in debug-mode
     * warnings and thread dumps. Loop thread only.
     */
    public static <T> Promise<T> spawn(EventLoop loop, String name, Callable<T> task) {
        return Loop.of(loop).greens().spawnThread(name, task, null).promise();
    }

    /** Whether the calling code runs in a green thread. */
    public static boolean inGreenThread() {
        return GreenThread.current() != null;
    }

    /** Sleeps for {@code duration} of the loop's clock, on the loop's timers. */
    public static void sleep(Duration duration) {
        GreenThread g = GreenThread.require("Green.sleep");
        boolean[] fired = {false};
        TimerHandle timer = g.greens().loop().callLater(duration, () -> {
            fired[0] = true;
            g.unpark();
        });
        try {
            while (!fired[0]) {
                g.park();
            }
        } finally {
            timer.cancel();
        }
    }

    /**
     * Waits for {@code promise} and returns its value. A failure is thrown as
     * {@link CompletionException} with the cause, as {@link Promise#join()} does. If this green
     * thread is cancelled while waiting, the promise is cancelled too.
     */
    public static <T> T await(Promise<T> promise) {
        GreenThread g = GreenThread.require("Green.await");
        if (!promise.isDone()) {
            promise.whenComplete((v, e) -> g.unpark());
            try {
                while (!promise.isDone()) {
                    g.park();
                }
            } catch (CancellationException e) {
                promise.cancel();
                throw e;
            }
        }
        return promise.join();
    }

    /**
     * Runs {@code task} on the process's offload pool ({@link EventLoop#offload}) and waits for
     * it, parking only this green thread; the loop goes on meanwhile. Use it for blocking calls
     * (a JDBC driver, a library's file API) that would otherwise hold the loop's thread. A
     * failure is thrown as {@link CompletionException} with the cause (an
     * {@link io.weft.loop.OffloadQueueFullException} if the pool refused the task); cancelling
     * this green thread interrupts the task.
     */
    public static <T> T offload(Callable<T> task) {
        GreenThread g = GreenThread.require("Green.offload");
        return await(g.greens().loop().offload(task));
    }

    /**
     * Lets every callback and green thread that is ready run before this one goes on. Call it
     * in long computations so the loop stays responsive.
     */
    public static void yieldNow() {
        GreenThread g = GreenThread.require("Green.yieldNow");
        boolean[] resumed = {false};
        g.greens().loop().callSoon(() -> {
            resumed[0] = true;
            g.unpark();
        });
        while (!resumed[0]) {
            g.park();
        }
    }

    /** Throws {@link CancellationException} if the calling green thread was cancelled. */
    public static void checkCancelled() {
        GreenThread.require("Green.checkCancelled").checkCancelled();
    }

    /** The loop the calling green thread runs on. */
    public static EventLoop loop() {
        return GreenThread.require("Green.loop").greens().loop();
    }
}
