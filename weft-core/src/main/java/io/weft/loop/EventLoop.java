package io.weft.loop;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A single-threaded event loop: it runs callbacks, timers and I/O readiness callbacks one at a
 * time on one thread, and waits on the kernel when there is nothing to do.
 *
 * <h2>Threads</h2>
 * A loop belongs to one thread: the thread that runs it ({@link #runForever()},
 * {@link #runUntilComplete}), or before the first run, the thread that created it. Only
 * these methods may be called from any thread: {@link #execute}, {@link #callSoonThreadsafe},
 * {@link #stop()}, {@link #close()}, {@link #inLoop()}, {@link #isRunning()},
 * {@link #isClosed()}, {@link #time()}, {@link #newPromise()}, {@link #spawn}, {@link #offload}, {@link #stats()}
 * and {@link #config()}. The loop's own green threads count as the loop's thread. Every other
 * method fails with {@link WrongThreadException} when called from elsewhere, naming the
 * thread-safe method to use instead.
 *
 * <h2>One turn</h2>
 * <ol>
 *   <li>Wait for I/O: not at all if callbacks are ready, otherwise until the next timer is due
 *       (or indefinitely); another thread's {@link #execute} cuts the wait short. A turn that
 *       would not wait may skip looking at I/O if the last look was under 50 µs ago, so a busy
 *       loop pays no system call per turn while I/O is still served every few microseconds.</li>
 *   <li>Queue the reader and writer callbacks of ready channels.</li>
 *   <li>Queue the timers that are due, earliest first; equal deadlines in scheduling order.</li>
 *   <li>Queue the callbacks other threads submitted.</li>
 *   <li>Run the callbacks that are queued now, in order. Callbacks they schedule wait for the
 *       next turn, so a callback that reschedules itself cannot starve I/O.</li>
 * </ol>
 * An exception escaping a callback goes to the {@link ExceptionHandler}; the loop goes on.
 */
public interface EventLoop extends Executor, AutoCloseable {

    /** A new loop with the default configuration, owned by the calling thread until run. */
    static EventLoop create() {
        return create(LoopConfig.defaults());
    }

    /** A new loop, owned by the calling thread until run. */
    static EventLoop create(LoopConfig config) {
        return Loop.open(config);
    }

    /**
     * A new loop running {@link #runForever()} on a thread of its own, named by
     * {@link LoopConfig#threadName()}. Returns once that thread owns the loop.
     * {@link #close()} from any thread stops it and waits for the thread to finish.
     */
    static EventLoop start(LoopConfig config) {
        return Loop.startOnOwnThread(config);
    }

    /**
     * The loop the calling thread is running ({@link #runForever()} or
     * {@link #runUntilComplete}), or whose green thread is calling; empty on any other thread.
     * Lets code deep in a call chain schedule on "its" loop without the loop being passed down.
     */
    static java.util.Optional<EventLoop> current() {
        return java.util.Optional.ofNullable(Loop.current());
    }

    // ---- scheduling (loop thread) ----

    /** Runs {@code callback} on a later turn, after the callbacks already queued. */
    Handle callSoon(Runnable callback);

    /** Runs {@code callback} once {@code delay} has passed on the loop's clock. */
    TimerHandle callLater(Duration delay, Runnable callback);

    /** Runs {@code callback} when the loop's clock reaches {@code when} (nanoseconds, {@link #time()}). */
    TimerHandle callAt(long when, Runnable callback);

    // ---- scheduling (any thread) ----

    /**
     * Runs {@code callback} on the loop, from any thread, waking the loop if it is waiting.
     * A burst of calls while the loop is waiting costs one wake-up system call.
     */
    Handle callSoonThreadsafe(Runnable callback);

    /** Same as {@link #callSoonThreadsafe}; lets a loop serve as an {@link Executor}. */
    @Override
    void execute(Runnable command);

    /**
     * Runs {@code task} on the loop, from any thread, and returns a promise of its result (its
     * exception fails the promise). Cancelling the promise before the task has started keeps it
     * from running. From the loop thread the task runs on a later turn, like {@link #callSoon}.
     */
    <T> Promise<T> submit(java.util.concurrent.Callable<T> task);

    // ---- readiness on JDK channels (loop thread): an extra for NIO users ----
    //
    // Weft's own sockets (io.weft.net.Net) do not go through these: they sit on the loop's I/O
    // driver directly. Every backend supports them: the readiness backends (epoll, nio, poll)
    // from their selector or epoll set, io_uring from a one-shot POLL_ADD per watched side,
    // armed again after each callback, so the callbacks are level-triggered on all of them. An
    // io_uring ring without POLL_ADD (a filtered kernel) refuses them with
    // UnsupportedOperationException saying so, as does a simulated loop (no JDK channels).

    /**
     * Calls {@code callback} on every turn that finds {@code channel} readable (or, for a server
     * channel, has a connection to accept), until {@link #removeReader} or the handle's
     * {@link Handle#cancel()}. Replaces an earlier reader of the same channel. The channel is
     * switched to non-blocking mode.
     */
    Handle addReader(SelectableChannel channel, Runnable callback);

    /** Like {@link #addReader} for writability (or, for a connecting channel, connect completion). */
    Handle addWriter(SelectableChannel channel, Runnable callback);

    /** Stops reader callbacks for {@code channel}; returns whether one was registered. */
    boolean removeReader(SelectableChannel channel);

    /** Stops writer callbacks for {@code channel}; returns whether one was registered. */
    boolean removeWriter(SelectableChannel channel);

    // ---- green threads (any thread) ----

    /**
     * Runs {@code task} in a new green thread: a virtual thread whose scheduler is this loop, so
     * it runs only on the loop's thread, between callbacks, and may block in the calls of
     * {@link io.weft.green.Green} without blocking the loop. Cancelling the returned promise
     * makes the thread's current or next blocking call throw
     * {@link java.util.concurrent.CancellationException}. Needs the JVM flag
     * {@code --add-opens java.base/java.lang=ALL-UNNAMED}; without it this throws
     * {@link IllegalStateException} saying so. May be called from any thread: from another
     * thread the green thread starts once the loop picks the request up.
     */
    <T> Promise<T> spawn(java.util.concurrent.Callable<T> task);

    // ---- blocking work (any thread) ----

    /**
     * Runs {@code task} on the process's offload pool, a bounded pool of threads for blocking
     * work shared by every loop, and returns a promise of this loop that it completes (so its
     * callbacks run here). Cancelling the promise interrupts the task if it is running, or keeps
     * it from starting. If the pool's queue is full the promise fails with
     * {@link OffloadQueueFullException} and the task does not run. The pool's size is
     * {@link LoopConfig#offloadThreads()}. In a green thread, {@link io.weft.green.Green#offload}
     * is the same as a blocking call.
     */
    default <T> Promise<T> offload(java.util.concurrent.Callable<T> task) {
        return io.weft.internal.offload.OffloadPool.forLoop(this).submit(this, task);
    }

    // ---- running ----

    /** Runs turns until {@link #stop()}. The calling thread becomes the loop's owner. */
    void runForever();

    /**
     * Runs turns until {@code future} is done, then returns its value. A failure is thrown as
     * {@link java.util.concurrent.CompletionException} with the cause, a cancellation as
     * {@link java.util.concurrent.CancellationException}, as {@link Promise#join()} does.
     */
    <T> T runUntilComplete(Promise<T> future);

    /** Makes the running loop return after the current turn. Any thread. */
    void stop();

    /**
     * Stops the loop if needed and releases the poller, every registration and every pending
     * callback. Called from inside a running loop, the close happens when the run returns.
     * Idempotent. A closed loop throws {@link LoopClosedException} on new work. Any thread.
     */
    @Override
    void close();

    boolean isRunning();

    boolean isClosed();

    /** Whether the calling thread is the loop's owner. Any thread. */
    boolean inLoop();

    // ---- time, futures, errors ----

    /** The loop's clock, nanoseconds. Any thread. */
    long time();

    /** A new, pending future whose callbacks run on this loop. Any thread. */
    <T> Promise<T> newPromise();

    /** Reports an error to the loop's {@link ExceptionHandler}. Loop thread. */
    void reportException(String context, Throwable error);

    LoopConfig config();

    LoopStats stats();
}
