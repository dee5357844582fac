package io.weft.internal.offload;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.OffloadQueueFullException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A bounded pool of platform threads for blocking work, completing promises that call back on
 * the loop that asked (asyncio's {@code run_in_executor}, libuv's thread pool).
 *
 * <p>One pool serves the whole process ({@link #forLoop}): blocking work is bounded by the
 * disk and the kernel, not by the number of loops, and one pool keeps the thread count
 * predictable. It has {@link io.weft.loop.LoopConfig#offloadThreads() offloadThreads} threads, the largest
 * any loop asked for ({@value #THREADS_PER_CORE} per core unless set), and a queue of
 * {@value #QUEUE_PER_THREAD} tasks per thread (at least {@value #MIN_QUEUE}). When the queue is
 * full the task is not run and its promise fails with {@link OffloadQueueFullException}: a
 * queue that grew without bound would only hide the overload until memory ran out. Idle
 * threads exit after {@value #KEEP_ALIVE_SECONDS} s; the threads are daemons.
 *
 * <p>Threads: every method may be called from any thread. The task runs on a pool thread; its
 * promise is completed from there, and the promise hands its callbacks to the loop
 * ({@code execute}), so they run on the loop.
 *
 * <p>Cancelling the promise of an {@linkplain #submit(EventLoop, Callable, boolean, Consumer)
 * interruptible} task interrupts its thread if it has started (a task still queued never
 * starts). File operations are submitted as not interruptible: an interrupt closes a JDK
 * {@code FileChannel} (ClosedByInterruptException), which would take the whole file down with
 * one cancelled read.
 *
 * @see io.weft.loop.LoopConfig#offloadThreads()
 */
public final class OffloadPool {
    /** Threads per core when no loop sets {@code offloadThreads}: blocking calls mostly wait. */
    public static final int THREADS_PER_CORE = 4;
    /** Queued tasks per thread before the pool refuses more. */
    public static final int QUEUE_PER_THREAD = 256;
    /** The smallest queue, so a pool of one or two threads still absorbs a burst. */
    public static final int MIN_QUEUE = 1024;
    static final int KEEP_ALIVE_SECONDS = 30;

    private static final Object LOCK = new Object();
    private static volatile OffloadPool shared;

    private final ThreadPoolExecutor executor;
    private final int capacity;

    /** A pool of its own, for tests and benchmarks; {@link #forLoop} is the shared one. */
    public OffloadPool(int threads, int queueCapacity, String threadNamePrefix) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("an offload pool needs at least one thread and one queue slot, got "
                    + threads + " threads and " + queueCapacity + " slots");
        }
        AtomicInteger n = new AtomicInteger();
        this.capacity = queueCapacity;
        this.executor = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, threadNamePrefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * The threads a pool gets when nothing asks for a number: {@value #THREADS_PER_CORE} per core,
     * the cores counted once per process ({@code availableProcessors} costs system calls, and
     * {@link #forLoop} runs on every submit).
     */
    public static int defaultThreads() {
        return Cores.DEFAULT_THREADS;
    }

    private static final class Cores {
        static final int DEFAULT_THREADS = THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    /**
     * The process's pool, made at first use and grown (never shrunk) to the largest
     * {@code offloadThreads} of any loop that uses it. Its queue is sized when it is made.
     */
    public static OffloadPool forLoop(EventLoop loop) {
        int wanted = loop.config().offloadThreads();
        int threads = wanted > 0 ? wanted : defaultThreads();
        OffloadPool p = shared;
        if (p != null && p.threads() >= threads) {
            return p;
        }
        synchronized (LOCK) {
            p = shared;
            if (p == null) {
                shared = p = new OffloadPool(threads, Math.max(MIN_QUEUE, QUEUE_PER_THREAD * threads), "weft-offload-");
            } else if (p.threads() < threads) {
                p.executor.setMaximumPoolSize(threads);
                p.executor.setCorePoolSize(threads);
            }
            return p;
        }
    }

    /** {@code task} on the pool, interruptible, nothing to release if the result is not wanted. */
    public <T> Promise<T> submit(EventLoop loop, Callable<T> task) {
        return submit(loop, task, true, null);
    }

    /**
     * Runs {@code task} on a pool thread and settles the returned promise, of {@code loop}, with
     * its value or exception. If the pool's queue is full the promise fails at once with
     * {@link OffloadQueueFullException}.
     *
     * @param interruptible whether cancelling the promise interrupts a running task
     * @param discard       if not null, receives a value that was computed but could not be
     *                      delivered because the promise was cancelled first (an open file, say),
     *                      so that it can be released; runs on the pool thread
     */
    public <T> Promise<T> submit(EventLoop loop, Callable<T> task, boolean interruptible, Consumer<? super T> discard) {
        Promise<T> promise = loop.newPromise();
        Job<T> job = new Job<>(promise, task, discard);
        if (interruptible) {
            promise.onCancel(job::interrupt);
        }
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            promise.fail(new OffloadQueueFullException(threads(), capacity));
        }
        return promise;
    }

    /**
     * Starts every pool thread now ({@link FirstUse}). Why: the executor makes a new thread on
     * each submit while it has fewer than its core size, whether or not one is idle, and it makes
     * it on the submitting thread; a cold listStats (a listing, then a batch after batch) started
     * seven of them on its loop's thread, up to a few ms each on a loaded machine. They exit after
     * {@value #KEEP_ALIVE_SECONDS} s without work, like any other.
     */
    void startThreads() {
        executor.prestartAllCoreThreads();
    }

    /** The process's pool if a loop has made it, else null; for tests. */
    static OffloadPool sharedIfMade() {
        return shared;
    }

    /** The pool's thread limit. */
    public int threads() {
        return executor.getMaximumPoolSize();
    }

    /** How many tasks the queue holds at most. */
    public int capacity() {
        return capacity;
    }

    /** Tasks waiting for a thread now. */
    public int queued() {
        return executor.getQueue().size();
    }

    /** Stops a pool made with the constructor; queued tasks are dropped. Not for the shared pool. */
    public void shutdown() {
        if (this == shared) {
            throw new IllegalStateException("the shared offload pool lives as long as the process");
        }
        executor.shutdownNow();
    }

    /** One task: runs unless its promise was settled (cancelled) first. */
    private static final class Job<T> implements Runnable {
        private final Promise<T> promise;
        private final Callable<T> task;
        private final Consumer<? super T> discard;
        private Thread runner; // guarded by this: an interrupt must never outlive the task it was for

        Job(Promise<T> promise, Callable<T> task, Consumer<? super T> discard) {
            this.promise = promise;
            this.task = task;
            this.discard = discard;
        }

        @Override
        public void run() {
            if (promise.isDone()) {
                return; // cancelled while it waited in the queue
            }
            synchronized (this) {
                runner = Thread.currentThread();
            }
            T value;
            Throwable failure = null;
            try {
                value = task.call();
            } catch (Throwable e) {
                value = null;
                failure = e;
            } finally {
                synchronized (this) {
                    runner = null;
                }
                Thread.interrupted(); // a cancel's interrupt is for this task only, not the next
            }
            if (failure != null) {
                promise.fail(failure);
            } else if (!promise.complete(value) && discard != null && value != null) {
                discard.accept(value);
            }
        }

        synchronized void interrupt() {
            if (runner != null) {
                runner.interrupt();
            }
        }
    }
}
