package io.weft.internal.loop;

import io.weft.future.Promise;
import io.weft.internal.dispatch.Dispatcher;
import io.weft.internal.dispatch.Inbox;
import io.weft.internal.dispatch.Task;
import io.weft.internal.green.GreenThread;
import io.weft.internal.green.Greens;
import io.weft.internal.io.DriverContext;
import io.weft.internal.io.Drivers;
import io.weft.internal.io.IoDriver;
import io.weft.internal.io.SocketFactory;
import io.weft.internal.offload.FirstUse;
import io.weft.loop.EventLoop;
import io.weft.loop.Handle;
import io.weft.loop.LoopClosedException;
import io.weft.loop.LoopConfig;
import io.weft.loop.LoopStats;
import io.weft.loop.LoopWarning;
import io.weft.loop.TimerHandle;
import io.weft.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link EventLoop}: a run queue, timers, an inbox for other threads, and an {@link IoDriver}
 * underneath that waits on the kernel. See {@link EventLoop} for the contract; this class adds
 * the hooks other parts of Weft need ({@link #onClose}, {@link #sockets()}, {@link #schedule}).
 * How it closes is in {@link Lifecycle}.
 */
public final class Loop implements EventLoop {
    /** Which loop, if any, the current platform thread is running; see {@link EventLoop#current()}. */
    private static final ThreadLocal<Loop> RUNNING = new ThreadLocal<>();
    /** See {@link #skipPoll}. */
    private static final long BUSY_POLL_INTERVAL_NANOS = 50_000;

    private final LoopConfig config;
    private final Clock clock;
    private final IoDriver driver;
    /** The host that steps this loop (the simulation), or null for a loop that runs itself. */
    private final LoopHost host;
    /** Hosted and asked for with a thread of its own: code outside its turns is another thread. */
    private final boolean hostedOwnThread;
    private final boolean debug;
    private final long slowNanos;

    // Loop-thread state.
    private final ArrayDeque<Task> ready = new ArrayDeque<>();
    private final TimerQueue timers = new TimerQueue();
    private final List<Runnable> closeHooks = new ArrayList<>();
    /** Servers, connections and endpoints open on this loop, closed with it (see {@link #release}). */
    private final java.util.Set<LoopResource> resources = new java.util.LinkedHashSet<>();
    /**
     * The loop's read buffer, shared by every connection on it: a read fills it and hands it to a
     * protocol, which must be done with it before the next read. One 64 KiB direct buffer per
     * loop instead of one per connection is what keeps ten thousand idle connections cheap.
     */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private long lastIoPoll;
    private long timerSeq;
    private long turns;
    private long callbacksRun;

    // Shared with other threads.
    private final Inbox inbox = new Inbox();
    private final Waker waker;
    final Lifecycle lifecycle = new Lifecycle(this);
    /** This loop's green threads, made on first {@link #spawn}. */
    private Greens greens;
    private final ChannelReadiness channels;
    /** What green threads see of this loop. */
    private final Dispatcher dispatcher = new Dispatcher() {
        @Override
        public boolean inLoop() {
            return Loop.this.inLoop();
        }

        @Override
        public void dispatch(Runnable task) {
            schedule(task);
        }

        @Override
        public void report(String context, Throwable error) {
            reportException(context, error);
        }

        @Override
        public void runQueued() {
            runReadyOnce();
        }
    };

    private Loop(LoopConfig asked, LoopHost host, boolean ownThread) throws IOException {
        this.host = host;
        this.hostedOwnThread = host != null && ownThread;
        this.config = host == null ? asked : host.configure(asked);
        this.clock = config.clock();
        this.debug = config.debug();
        this.slowNanos = config.slowCallbackThreshold().toNanos();
        DriverContext context = new DriverContext(this, ready::add, readBuffer);
        this.driver = host == null ? Drivers.open(config.poller(), context) : host.openDriver(context);
        this.waker = new Waker(driver);
        this.channels = new ChannelReadiness(this, driver);
        if (host != null) {
            host.opened(this, ownThread);
        }
    }

    public static Loop open(LoopConfig config) {
        return open(config, false);
    }

    private static Loop open(LoopConfig config, boolean ownThread) {
        try {
            Loop loop = new Loop(config, LoopHost.current(), ownThread);
            if (loop.host == null) {
                FirstUse.loopOpened(loop); // the first file operation's setup, off this thread
            }
            return loop;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the " + config.poller().configName() + " I/O driver", e);
        }
    }

    public static Loop startOnOwnThread(LoopConfig config) {
        if (LoopHost.current() != null) {
            return open(config, true); // its host runs it: no thread
        }
        Loop loop = open(config);
        CountDownLatch started = new CountDownLatch(1);
        loop.callSoon(started::countDown);
        Thread t = Thread.ofPlatform().name(config.threadName()).unstarted(() -> {
            try {
                loop.runForever();
            } finally {
                loop.close();
            }
        });
        loop.lifecycle.ownThread(t);
        t.start();
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.close();
            throw new IllegalStateException("interrupted while starting the loop", e);
        }
        return loop;
    }

    /** The implementation behind {@code loop}, for Weft's own layers. */
    public static Loop of(EventLoop loop) {
        if (loop instanceof Loop l) {
            return l;
        }
        throw new IllegalArgumentException("not a Weft loop: " + loop);
    }

    /** The loop the calling thread is running, or the loop of the calling green thread, or null. */
    public static Loop current() {
        GreenThread g = GreenThread.current();
        if (g != null && g.greens().loop() instanceof Loop l) {
            return l;
        }
        return RUNNING.get();
    }

    @Override
    public Handle callSoon(Runnable callback) {
        checkThread("callSoon");
        checkOpen();
        Task t = new Task(callback, callSite());
        ready.add(t);
        return t;
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable callback) {
        checkThread("callLater");
        return callAt(clock.nanoTime() + Math.max(0, delay.toNanos()), callback);
    }

    @Override
    public TimerHandle callAt(long when, Runnable callback) {
        checkThread("callAt");
        checkOpen();
        Timer t = new Timer(this, when, timerSeq++, callback, callSite());
        timers.add(t);
        return t;
    }

    /**
     * For Weft's own layers: {@code callSoon} from the loop thread, {@code execute} from any
     * other, without debug mode's call-site capture (the caller's frames say nothing useful,
     * e.g. for a green thread's continuation, whose description names the thread instead).
     */
    public void schedule(Runnable callback) {
        if (inLoop()) {
            checkOpen();
            ready.add(new Task(callback, null));
        } else {
            offer(new Task(callback, null));
        }
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback) {
        Task t = new Task(callback, callSite());
        offer(t);
        return t;
    }

    private void offer(Task t) {
        if (lifecycle.isClosed()) {
            throw new LoopClosedException("event loop " + this + " is closed; it takes no more callbacks");
        }
        inbox.offer(t);
        waker.wake();
    }

    @Override
    public void execute(Runnable command) {
        callSoonThreadsafe(command);
    }

    @Override
    public <T> Promise<T> submit(Callable<T> task) {
        Promise<T> result = newPromise();
        Runnable run = () -> {
            if (result.isDone()) {
                return; // cancelled before it ran
            }
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.fail(e);
            }
        };
        if (inLoop()) {
            callSoon(run);
        } else {
            execute(run);
        }
        return result;
    }

    void timerCancelled(Timer t) {
        if (inLoop()) {
            timers.remove(t);
        } else if (!lifecycle.isClosed()) {
            try {
                execute(() -> timers.remove(t));
            } catch (LoopClosedException ignored) {
                // Closed meanwhile: the timer is gone with the loop.
            }
        }
    }

    @Override
    public Handle addReader(SelectableChannel channel, Runnable callback) {
        checkThread("addReader");
        checkOpen();
        return channels.add("addReader", channel, true, callback, callSite());
    }

    @Override
    public Handle addWriter(SelectableChannel channel, Runnable callback) {
        checkThread("addWriter");
        checkOpen();
        return channels.add("addWriter", channel, false, callback, callSite());
    }

    @Override
    public boolean removeReader(SelectableChannel channel) {
        checkThread("removeReader");
        return channels.remove(channel, true);
    }

    @Override
    public boolean removeWriter(SelectableChannel channel) {
        checkThread("removeWriter");
        return channels.remove(channel, false);
    }

    @Override
    public void runForever() {
        if (host != null) {
            lifecycle.enterRun();
            try {
                host.runUntil(lifecycle::stopRequested); // the host runs every loop, this one among them
            } finally {
                lifecycle.exitRun();
            }
            return;
        }
        lifecycle.enterRun();
        Loop outer = RUNNING.get();
        RUNNING.set(this);
        try {
            do {
                runOnce();
            } while (!lifecycle.stopRequested());
        } finally {
            if (outer == null) {
                RUNNING.remove();
            } else {
                RUNNING.set(outer);
            }
            lifecycle.exitRun();
        }
    }

    @Override
    public <T> T runUntilComplete(Promise<T> future) {
        if (!future.isDone()) {
            // The callback outlives this call when the run ends for another reason (a stop()
            // elsewhere); it must then not stop some later run of the loop.
            AtomicBoolean waiting = new AtomicBoolean(true);
            future.whenComplete((v, e) -> {
                if (waiting.get()) {
                    stop();
                }
            });
            try {
                runForever();
            } finally {
                waiting.set(false);
            }
            if (!future.isDone()) {
                throw new IllegalStateException("the loop stopped before the future completed: " + future);
            }
        }
        return future.join();
    }

    /**
     * One turn of the loop. Reads as the list of phases in {@link EventLoop}'s Javadoc.
     */
    private void runOnce() {
        long timeout = pollTimeout();
        int events = skipPoll(timeout) ? 0 : awaitIo(timeout); // 1, 2: wait, queue ready I/O callbacks
        queueDueTimers();                    // 3
        queueInbox();                        // 4
        if (events == 0 && timeout > 0 && ready.isEmpty() && idle()) {
            clock.afterIdle(timeout);        // a manual clock may jump ahead now
            queueDueTimers();
        }
        runReady();                          // 5
        driver.endOfTurn();                  // 6: the turn's queued writes leave
        turns++;
    }

    /**
     * Whether this turn may skip asking the kernel for I/O: only when callbacks are already
     * waiting (the wait would not block) and the last look at I/O was under
     * {@link #BUSY_POLL_INTERVAL_NANOS} ago. A busy loop (green threads switching, callbacks
     * rescheduling themselves) then costs no system call per turn, while I/O is still looked at
     * every few tens of microseconds: a self-rescheduling callback cannot starve it.
     */
    private boolean skipPoll(long timeout) {
        // A hosted loop always looks: its driver makes no system call, and real time must not
        // decide anything under a simulation.
        if (timeout != 0 || host != null || lifecycle.stopRequested()) {
            return false;
        }
        long now = Clock.system().nanoTime();
        if (now - lastIoPoll < BUSY_POLL_INTERVAL_NANOS) {
            return true;
        }
        lastIoPoll = now;
        return false;
    }

    /**
     * Whether the wait that just ended ran its course rather than being cut short: a stop()
     * or a task still being offered (its producer woke us) is work, and letting a manual clock
     * jump then would fire timers early, or before a stop that came first.
     */
    private boolean idle() {
        return !lifecycle.stopRequested() && inbox.isEmpty();
    }

    /** 0 if there is work now; until the next timer; or -1 to wait for I/O alone. */
    private long pollTimeout() {
        if (!ready.isEmpty() || lifecycle.stopRequested()) {
            return 0;
        }
        Timer next = timers.peek();
        if (next == null) {
            return -1;
        }
        return Math.max(0, next.when - clock.nanoTime());
    }

    private int awaitIo(long timeout) {
        try {
            if (timeout == 0) {
                return driver.await(0);
            }
            long wait = clock.beforeIdle(timeout);
            waker.sleeping();
            // Checked after publishing "sleeping": a producer either sees the flag and wakes us,
            // or enqueued before this check and we do not block.
            if (!inbox.isEmpty() || lifecycle.stopRequested()) {
                wait = 0;
            }
            int n = driver.await(wait);
            waker.awake();
            return n;
        } catch (IOException e) {
            // The driver itself failed: nothing a callback did. Report it and keep turning.
            waker.awake();
            reportException("waiting on " + driver.name(), e);
            return 0;
        }
    }

    private void queueDueTimers() {
        if (timers.isEmpty()) {
            return;
        }
        long now = clock.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && t.when - now <= 0) {
            timers.poll();
            ready.add(t);
        }
    }

    private void queueInbox() {
        Task t;
        while ((t = inbox.poll()) != null) {
            ready.add(t);
        }
    }

    /** Runs the callbacks queued when this phase began; the only place callbacks are run. */
    private void runReady() {
        for (int n = ready.size(); n > 0; n--) {
            Task t = ready.poll();
            if (t.isCancelled()) {
                continue;
            }
            callbacksRun++;
            if (debug && host == null) { // a host's time stands still while callbacks run
                runTimed(t);
            } else {
                try {
                    t.run();
                } catch (Throwable e) {
                    reportException(t.describe(), e);
                }
            }
        }
    }

    private void runTimed(Task t) {
        long start = Clock.system().nanoTime();
        try {
            t.run();
        } catch (Throwable e) {
            reportException(t.describe(), e);
        } finally {
            long took = Clock.system().nanoTime() - start;
            if (took > slowNanos) {
                String what = t.describe();
                reportException(what, new LoopWarning.SlowCallback(what, Duration.ofNanos(took),
                        config.slowCallbackThreshold()));
            }
        }
    }

    @Override
    public void stop() {
        lifecycle.requestStop();
        if (!inLoop()) {
            driver.wakeup(); // rare, so no coalescing: the flag alone would not end a wait
        }
    }

    @Override
    public void close() {
        lifecycle.close();
    }

    /**
     * Releases everything, on the thread that owns the loop now. Green threads are cancelled and
     * given a few turns of queued work to unwind (their {@code finally} blocks run here, on the
     * loop's thread); servers, connections and endpoints still open are closed, and their
     * protocols hear it; then close hooks run, queued work is dropped, and the driver goes.
     */
    void release() {
        Loop outer = RUNNING.get();
        if (host != null) {
            RUNNING.set(this); // its host's thread closes it: inside, the code is in this loop
        }
        try {
            releaseHere();
        } finally {
            if (host != null) {
                restoreRunning(outer);
            }
        }
    }

    private void releaseHere() {
        if (greens != null) {
            for (GreenThread stuck : greens.cancelAll()) {
                reportException(stuck.toString(), new IllegalStateException(
                        "ignored cancellation while its loop closed; it will never run again"));
            }
        }
        closeResources();
        lifecycle.markClosed();
        for (Runnable hook : List.copyOf(closeHooks)) {
            try {
                hook.run();
            } catch (Throwable e) {
                reportException("close hook " + hook, e);
            }
        }
        closeHooks.clear();
        channels.clear();
        ready.clear();
        timers.clear();
        while (inbox.poll() != null) {
            // dropped: the loop is gone
        }
        driver.close();
    }

    /**
     * Closes what is still open on the loop, then runs one round of queued work so their protocols
     * hear {@code connectionLost}: a loop closed with live connections gives their descriptors back.
     * That round may open more (a client that reconnects when its connection is lost, a timer
     * that was due): those are closed in turn, for a few rounds, and what the last round opened
     * is closed without running anything more.
     */
    private void closeResources() {
        for (int round = 0; !resources.isEmpty(); round++) {
            for (LoopResource r : List.copyOf(resources)) {
                try {
                    r.loopClosing();
                } catch (Throwable e) {
                    reportException("closing " + r + " with its loop", e);
                }
            }
            resources.clear();
            if (round < CLOSING_ROUNDS) {
                runReadyOnce();
            }
        }
    }

    /** Rounds of queued work a closing loop runs for the protocols of what it closed. */
    private static final int CLOSING_ROUNDS = 4;

    /** Registers something that must be closed if the loop closes first. Loop thread. */
    public void opened(LoopResource r) {
        resources.add(r);
    }

    /** It closed by itself: the loop need not close it. Loop thread. */
    public void closed(LoopResource r) {
        resources.remove(r);
    }

    /** Runs {@code hook} on the loop thread when the loop closes, before the driver goes. */
    public void onClose(Runnable hook) {
        checkThread("onClose");
        checkOpen();
        closeHooks.add(hook);
    }

    /** For closing: one more round of queued work, without waiting for I/O. */
    private void runReadyOnce() {
        queueDueTimers();
        queueInbox();
        runReady();
    }

    @Override
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    @Override
    public boolean isClosed() {
        return lifecycle.isClosed();
    }

    @Override
    public boolean inLoop() {
        Thread me = Thread.currentThread();
        return me == lifecycle.owner() && hostedTurnIsOurs() || me.isVirtual() && isOurGreenThread();
    }

    /**
     * For a hosted loop, whose host's one thread owns every loop: whether what runs now is this
     * loop's. Inside a turn, only the loop taking it; outside every turn (the host's own code, a
     * test's body), every loop but those that asked for a thread of their own, as it would be
     * for a loop made on this thread and one started on another.
     */
    private boolean hostedTurnIsOurs() {
        if (host == null) {
            return true;
        }
        Loop turn = RUNNING.get();
        return turn == null ? !hostedOwnThread : turn == this;
    }

    /** A green thread of this loop runs only on the loop's thread, so it counts as "in" it. */
    private boolean isOurGreenThread() {
        GreenThread g = GreenThread.current();
        return g != null && greens != null && g.greens() == greens;
    }

    @Override
    public <T> Promise<T> spawn(Callable<T> task) {
        if (inLoop()) {
            return greens().spawn(task);
        }
        // From another thread: hop onto the loop first; the returned promise stands in for the
        // green thread's own and forwards cancellation to it.
        Promise<T> result = newPromise();
        execute(() -> {
            if (result.isDone()) {
                return;
            }
            Promise<T> inner = greens().spawn(task);
            result.onCancel(inner::cancel);
            inner.whenComplete((v, e) -> {
                if (e == null) {
                    result.complete(v);
                } else if (e instanceof CancellationException) {
                    result.cancel();
                } else {
                    result.fail(e);
                }
            });
        });
        return result;
    }

    /** This loop's green threads (made on first use). */
    public Greens greens() {
        checkThread("spawn");
        checkOpen();
        if (greens == null) {
            greens = new Greens(this, dispatcher);
        }
        return greens;
    }

    @Override
    public long time() {
        return clock.nanoTime();
    }

    @Override
    public <T> Promise<T> newPromise() {
        return new Promise<>(this);
    }

    @Override
    public void reportException(String context, Throwable error) {
        try {
            config.exceptionHandler().handle(this, context, error);
        } catch (Throwable handlerFailure) {
            handlerFailure.addSuppressed(error);
            System.getLogger("io.weft.loop").log(System.Logger.Level.ERROR,
                    "the exception handler failed while handling an exception in " + context, handlerFailure);
        }
    }

    @Override
    public LoopConfig config() {
        return config;
    }

    @Override
    public LoopStats stats() {
        return new LoopStats(turns, callbacksRun, waker.count(), timers.size(), driver.registrations());
    }

    /**
     * The sockets of this loop's driver: the only way Weft's layers open one. Loop thread: a
     * call from elsewhere fails with {@link WrongThreadException}, on a closed loop with
     * {@link LoopClosedException}, before anything is opened.
     */
    public SocketFactory sockets() {
        checkThread("Net.createServer/createConnection/createDatagramEndpoint");
        checkOpen();
        return driver.sockets();
    }

    /** The driver under this loop, for Weft's own tests and benchmarks. Loop thread. */
    public IoDriver driver() {
        return driver;
    }

    /** The name of the backend under this loop ({@code epoll}, {@code nio}, ...). Any thread. */
    public String backend() {
        return driver.name();
    }

    /** The loop's shared read buffer (see the field). Loop thread. */
    public ByteBuffer readBuffer() {
        return readBuffer;
    }

    public Clock clock() {
        return clock;
    }

    public boolean debug() {
        return debug;
    }

    void checkThread(String method) {
        Thread me = Thread.currentThread();
        Thread owner = lifecycle.owner();
        if (!(me == owner && hostedTurnIsOurs()) && !(me.isVirtual() && isOurGreenThread())) {
            throw new WrongThreadException(method + "() must be called on the loop's thread '" + owner.getName()
                    + "', not '" + me.getName() + "'; from other threads use execute() or callSoonThreadsafe()"
                    + " to get onto the loop first");
        }
    }

    private void checkOpen() {
        if (lifecycle.isClosed()) {
            throw new LoopClosedException("event loop " + this + " is closed; it takes no more work");
        }
    }

    /** In debug mode, where the caller scheduled a callback from: its first frame outside Weft. */
    private String callSite() {
        return debug ? CallSites.capture() : null;
    }

    // ---- for a LoopHost ----

    /**
     * One turn, for this loop's {@link LoopHost}: as {@code runForever} would run it, but never
     * blocking (the host's driver and clock do not), with {@link #current()} and
     * {@link #inLoop()} answering for this loop while it lasts. Host's thread, outside any turn.
     */
    public void hostedTurn() {
        if (host == null) {
            throw new IllegalStateException(this + " runs itself; only a hosted loop is stepped by its host");
        }
        Loop outer = RUNNING.get();
        if (outer != null) {
            throw new IllegalStateException("a turn of " + this + " was asked for inside a turn of " + outer
                    + "; a host runs one turn at a time");
        }
        RUNNING.set(this);
        try {
            runOnce();
        } finally {
            restoreRunning(outer);
        }
    }

    /** For the host: whether callbacks or other threads' tasks wait, or a timer is due now. */
    public boolean hostedHasWork() {
        Timer t = timers.peek();
        return !ready.isEmpty() || !inbox.isEmpty() || t != null && t.when - clock.nanoTime() <= 0;
    }

    /** For the host: when the earliest timer is due, or {@link Long#MAX_VALUE} if none is pending. */
    public long hostedNextTimer() {
        Timer t = timers.peek();
        return t == null ? Long.MAX_VALUE : t.when;
    }

    /** The host stepping this loop, or null. */
    LoopHost host() {
        return host;
    }

    /** For the host: whether {@link #stop()} was asked for and the run has not ended yet. */
    public boolean stopRequested() {
        return lifecycle.stopRequested();
    }

    /** The turn running on this thread (a hosted loop's, or the loop this thread runs), or null. */
    public static Loop turnInProgress() {
        return RUNNING.get();
    }

    private static void restoreRunning(Loop outer) {
        if (outer == null) {
            RUNNING.remove();
        } else {
            RUNNING.set(outer);
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + config.threadName() + ", " + driver.name()
                + (lifecycle.isClosed() ? ", closed" : lifecycle.isRunning() ? ", running" : "") + "]";
    }
}
