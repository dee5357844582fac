package io.weft.internal.loop;

import io.weft.future.Promise;
import io.weft.internal.green.GreenThread;
import io.weft.internal.green.Greens;
import io.weft.internal.poll.Poller;
import io.weft.internal.poll.Pollers;
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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link EventLoop} over a readiness {@link Poller}. See {@link EventLoop} for the contract;
 * this class adds the hooks other parts of Weft need ({@link #onClose}).
 */
public final class Loop implements EventLoop {
    private static final VarHandle SLEEPING;
    private static final VarHandle WAKEUPS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SLEEPING = l.findVarHandle(Loop.class, "sleeping", boolean.class);
            WAKEUPS = l.findVarHandle(Loop.class, "wakeups", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoopConfig config;
    private final Clock clock;
    private final Poller poller;
    private final boolean debug;
    private final long slowNanos;

    // Loop-thread state.
    private final ArrayDeque<Task> ready = new ArrayDeque<>();
    private final TimerQueue timers = new TimerQueue();
    private final IdentityHashMap<SelectableChannel, Watch> watches = new IdentityHashMap<>();
    private final List<Runnable> closeHooks = new ArrayList<>();
    private final Poller.ReadySink onReady = this::onReady;
    /** See {@link #skipPoll}. */
    private static final long BUSY_POLL_INTERVAL_NANOS = 50_000;
    private long lastIoPoll;
    private ByteBuffer readBuffer;
    private long timerSeq;
    private long turns;
    private long callbacksRun;

    // Shared with other threads.
    private final Inbox inbox = new Inbox();
    private final Object lifecycle = new Object();
    private volatile Thread owner;
    private volatile boolean running;
    private volatile boolean stopRequested;
    private volatile boolean closeRequested;
    private volatile boolean closed;
    /** True while the loop is (about to be) blocked in the poller; the first waker clears it. */
    @SuppressWarnings("unused") // SLEEPING
    private volatile boolean sleeping;
    @SuppressWarnings("unused") // WAKEUPS
    private volatile long wakeups;
    private Thread ownThread;
    /** This loop's green threads, made on first {@link #spawn}. */
    private Greens greens;

    private Loop(LoopConfig config) throws IOException {
        this.config = config;
        this.clock = config.clock();
        this.debug = config.debug();
        this.slowNanos = config.slowCallbackThreshold().toNanos();
        this.poller = Pollers.open(config.poller());
        this.owner = Thread.currentThread();
    }

    public static Loop open(LoopConfig config) {
        try {
            return new Loop(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the " + config.poller() + " poller", e);
        }
    }

    public static Loop startOnOwnThread(LoopConfig config) {
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
        loop.ownThread = t;
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
        throw new IllegalArgumentException("not a Weft selector loop: " + loop);
    }

    // ---- scheduling ----

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
            if (closed) {
                throw new LoopClosedException("event loop " + this + " is closed; it takes no more callbacks");
            }
            inbox.offer(new Task(callback, null));
            wake();
        }
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback) {
        if (closed) {
            throw new LoopClosedException("event loop " + this + " is closed; it takes no more callbacks");
        }
        Task t = new Task(callback, callSite());
        inbox.offer(t);
        wake();
        return t;
    }

    @Override
    public void execute(Runnable command) {
        callSoonThreadsafe(command);
    }

    /** Wakes the loop if it is waiting; only the first caller of a burst makes the system call. */
    private void wake() {
        if ((boolean) SLEEPING.getVolatile(this) && SLEEPING.compareAndSet(this, true, false)) {
            WAKEUPS.getAndAdd(this, 1L);
            poller.wakeup();
        }
    }

    void timerCancelled(Timer t) {
        if (inLoop()) {
            timers.remove(t);
        } else if (!closed) {
            try {
                execute(() -> timers.remove(t));
            } catch (LoopClosedException ignored) {
                // Closed meanwhile: the timer is gone with the loop.
            }
        }
    }

    // ---- readiness ----

    @Override
    public Handle addReader(SelectableChannel channel, Runnable callback) {
        checkThread("addReader");
        return watch(channel, true, callback);
    }

    @Override
    public Handle addWriter(SelectableChannel channel, Runnable callback) {
        checkThread("addWriter");
        return watch(channel, false, callback);
    }

    @Override
    public boolean removeReader(SelectableChannel channel) {
        checkThread("removeReader");
        Watch w = watches.get(channel);
        return w != null && w.reader != null && unwatch(w, w.reader, true);
    }

    @Override
    public boolean removeWriter(SelectableChannel channel) {
        checkThread("removeWriter");
        Watch w = watches.get(channel);
        return w != null && w.writer != null && unwatch(w, w.writer, false);
    }

    private Handle watch(SelectableChannel channel, boolean reader, Runnable callback) {
        checkOpen();
        try {
            if (channel.isBlocking()) {
                channel.configureBlocking(false);
            }
            Watch w = watches.get(channel);
            boolean fresh = w == null;
            if (fresh) {
                w = new Watch(this, channel);
            }
            Watch.IoTask task = new Watch.IoTask(w, reader, callback, callSite());
            Watch.IoTask old = reader ? w.reader : w.writer;
            if (old != null) {
                old.markCancelled();
            }
            if (reader) {
                w.reader = task;
            } else {
                w.writer = task;
            }
            if (fresh) {
                w.key = poller.register(channel, w.interest(), w);
                watches.put(channel, w);
            } else {
                w.key.interest(w.interest());
            }
            return task;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + channel, e);
        }
    }

    /**
     * Registers {@code channel} for Weft's own transports: both callbacks stay for the
     * channel's life and start disarmed; see {@link Watch#arm}. The channel must not also be
     * used with {@link #addReader}/{@link #addWriter}.
     */
    public Watch watch(SelectableChannel channel, Runnable onReadable, Runnable onWritable) {
        checkThread("watch");
        checkOpen();
        if (watches.containsKey(channel)) {
            throw new IllegalStateException(channel + " is already watched by this loop");
        }
        try {
            if (channel.isBlocking()) {
                channel.configureBlocking(false);
            }
            Watch w = new Watch(this, channel);
            w.reader = new Watch.IoTask(w, true, onReadable, null);
            w.writer = new Watch.IoTask(w, false, onWritable, null);
            w.arm(0);
            w.key = poller.register(channel, 0, w);
            watches.put(channel, w);
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + channel, e);
        }
    }

    void unwatchAll(Watch w) {
        if (!inLoop()) {
            if (!closed) {
                execute(() -> unwatchAll(w));
            }
            return;
        }
        if (w.reader != null) {
            w.reader.markCancelled();
            w.reader = null;
        }
        if (w.writer != null) {
            w.writer.markCancelled();
            w.writer = null;
        }
        if (watches.get(w.channel) == w) {
            watches.remove(w.channel);
            w.key.deregister();
        }
    }

    void ioTaskCancelled(Watch w, Watch.IoTask task, boolean reader) {
        if (inLoop()) {
            unwatch(w, task, reader);
        } else if (!closed) {
            execute(() -> unwatch(w, task, reader));
        }
    }

    private boolean unwatch(Watch w, Watch.IoTask task, boolean reader) {
        if (reader ? w.reader != task : w.writer != task) {
            return false; // replaced or removed already
        }
        task.markCancelled();
        if (reader) {
            w.reader = null;
        } else {
            w.writer = null;
        }
        int interest = w.interest();
        if (interest == 0) {
            w.key.deregister();
            watches.remove(w.channel);
        } else {
            w.key.interest(interest);
        }
        return true;
    }

    private void onReady(Object attachment, int ops) {
        Watch w = (Watch) attachment;
        if ((ops & Poller.READ) != 0 && w.reader != null) {
            ready.add(w.reader);
        }
        if ((ops & Poller.WRITE) != 0 && w.writer != null) {
            ready.add(w.writer);
        }
    }

    // ---- running ----

    @Override
    public void runForever() {
        synchronized (lifecycle) {
            if (closed) {
                throw new LoopClosedException("event loop " + this + " is closed; create a new one");
            }
            if (running) {
                throw new IllegalStateException("event loop " + this + " is already running on " + owner.getName());
            }
            Thread me = Thread.currentThread();
            if (ownThread != null && me != ownThread) {
                throw new IllegalStateException("event loop " + this + " runs on its own thread '"
                        + ownThread.getName() + "'; use execute() to run code there");
            }
            owner = me;
            running = true;
        }
        try {
            do {
                runOnce();
            } while (!stopRequested);
        } finally {
            stopRequested = false;
            synchronized (lifecycle) {
                running = false;
                lifecycle.notifyAll();
            }
            if (closeRequested) {
                doClose();
            }
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
        int events = skipPoll(timeout) ? 0 : poll(timeout); // 1, 2: wait, queue ready I/O callbacks
        queueDueTimers();                    // 3
        queueInbox();                        // 4
        if (events == 0 && timeout > 0 && ready.isEmpty() && idle()) {
            clock.afterIdle(timeout);        // a manual clock may jump ahead now
            queueDueTimers();
        }
        runReady();                          // 5
        turns++;
    }

    /**
     * Whether this turn may skip asking the kernel for readiness: only when callbacks are already
     * waiting (the poll would not block) and the last look at I/O was under
     * {@link #BUSY_POLL_INTERVAL_NANOS} ago. A busy loop (green threads switching, callbacks
     * rescheduling themselves) then costs no system call per turn, while I/O is still looked at
     * every few tens of microseconds: a self-rescheduling callback cannot starve it.
     */
    private boolean skipPoll(long timeout) {
        if (timeout != 0 || stopRequested) {
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
        return !stopRequested && inbox.isEmpty();
    }

    /** 0 if there is work now; until the next timer; or -1 to wait for I/O alone. */
    private long pollTimeout() {
        if (!ready.isEmpty() || stopRequested) {
            return 0;
        }
        Timer next = timers.peek();
        if (next == null) {
            return -1;
        }
        return Math.max(0, next.when - clock.nanoTime());
    }

    private int poll(long timeout) {
        try {
            if (timeout == 0) {
                return poller.poll(0, onReady);
            }
            long wait = clock.beforeIdle(timeout);
            SLEEPING.setVolatile(this, true);
            // Checked after publishing "sleeping": a producer either sees the flag and wakes us,
            // or enqueued before this check and we do not block.
            if (!inbox.isEmpty() || stopRequested) {
                wait = 0;
            }
            int n = poller.poll(wait, onReady);
            SLEEPING.setVolatile(this, false);
            return n;
        } catch (IOException e) {
            // The poller itself failed: nothing a callback did. Report it and keep turning.
            reportException("poll on " + poller, e);
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
            if (debug) {
                runTimed(t);
            } else {
                try {
                    t.callback.run();
                } catch (Throwable e) {
                    reportException(t.describe(), e);
                }
            }
        }
    }

    private void runTimed(Task t) {
        long start = Clock.system().nanoTime();
        try {
            t.callback.run();
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
        stopRequested = true;
        if (!inLoop()) {
            poller.wakeup(); // rare, so no coalescing: the flag alone would not end a wait
        }
    }

    // ---- closing ----

    @Override
    public void close() {
        Thread waitFor = null;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            if (running) {
                closeRequested = true;
                if (inLoop()) {
                    stop(); // closes when runForever returns
                    return;
                }
                waitFor = owner;
            }
        }
        if (waitFor == null) {
            doClose();
            return;
        }
        stop();
        awaitClosed(waitFor);
    }

    private void awaitClosed(Thread loopThread) {
        boolean interrupted = false;
        synchronized (lifecycle) {
            while (!closed && loopThread.isAlive()) {
                try {
                    lifecycle.wait(100);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void doClose() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
        }
        if (greens != null) {
            // Cancel parked green threads and let them unwind while the loop can still run them.
            for (GreenThread stuck : greens.cancelAll()) {
                reportException(stuck.toString(), new IllegalStateException(
                        "ignored cancellation while its loop closed; it will never run again"));
            }
        }
        synchronized (lifecycle) {
            closed = true;
        }
        for (Runnable hook : List.copyOf(closeHooks)) {
            try {
                hook.run();
            } catch (Throwable e) {
                reportException("close hook " + hook, e);
            }
        }
        closeHooks.clear();
        for (Watch w : watches.values()) {
            if (w.reader != null) {
                w.reader.markCancelled();
            }
            if (w.writer != null) {
                w.writer.markCancelled();
            }
        }
        watches.clear();
        ready.clear();
        timers.clear();
        while (inbox.poll() != null) {
            // dropped: the loop is gone
        }
        try {
            poller.close();
        } catch (IOException e) {
            reportException("closing poller " + poller, e);
        }
        synchronized (lifecycle) {
            lifecycle.notifyAll();
        }
    }

    /** Runs {@code hook} on the loop thread when the loop closes, before the poller goes. */
    public void onClose(Runnable hook) {
        checkThread("onClose");
        checkOpen();
        closeHooks.add(hook);
    }

    // ---- state ----

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean inLoop() {
        Thread me = Thread.currentThread();
        return me == owner || me.isVirtual() && isOurGreenThread();
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
            greens = new Greens(this);
        }
        return greens;
    }

    /** For closing: one more round of queued work, without waiting for I/O. */
    public void runReadyOnce() {
        queueDueTimers();
        queueInbox();
        runReady();
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
        return new LoopStats(turns, callbacksRun, (long) WAKEUPS.getVolatile(this), timers.size(), watches.size());
    }

    /**
     * The loop's read buffer, shared by every connection on it: a read fills it and hands it
     * to a protocol, which must be done with it before the next read. One 64 KiB direct buffer
     * per loop instead of one per connection is what keeps ten thousand idle connections cheap.
     */
    public ByteBuffer readBuffer() {
        if (readBuffer == null) {
            readBuffer = ByteBuffer.allocateDirect(64 * 1024);
        }
        return readBuffer;
    }

    public Clock clock() {
        return clock;
    }

    public boolean debug() {
        return debug;
    }

    private void checkThread(String method) {
        Thread me = Thread.currentThread();
        if (me != owner && !(me.isVirtual() && isOurGreenThread())) {
            throw new WrongThreadException(method + "() must be called on the loop's thread '" + owner.getName()
                    + "', not '" + me.getName() + "'; from other threads use execute() or callSoonThreadsafe()"
                    + " to get onto the loop first");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new LoopClosedException("event loop " + this + " is closed; it takes no more work");
        }
    }

    /** In debug mode, where the caller scheduled a callback from: its first frame outside Weft. */
    private String callSite() {
        if (!debug) {
            return null;
        }
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith("io.weft.internal.")
                        && !f.getClassName().startsWith("io.weft.future."))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse(null));
    }

    @Override
    public String toString() {
        return "EventLoop[" + config.threadName() + ", " + poller + (closed ? ", closed" : running ? ", running" : "") + "]";
    }
}
