package io.weft.internal.loop;

import io.weft.loop.LoopClosedException;

/**
 * Who owns a loop, whether it runs, and how it closes: the part of a loop that other threads
 * touch, guarded by one monitor.
 *
 * <pre>
 *   NEW (owned by its creator) --runForever--&gt; RUNNING (owned by the runner) --stop--&gt; NEW ...
 *   any --close--&gt; CLOSED
 * </pre>
 *
 * <p>Closing always happens on the thread that owns the loop at that moment, so whatever runs
 * while it closes (green threads unwinding their {@code finally} blocks, close hooks) runs on the
 * loop's thread and sees {@code inLoop()} true:
 * <ul>
 *   <li>from inside a running loop: when the run returns;</li>
 *   <li>from another thread while the loop runs: that thread stops the loop and waits until the
 *       loop's thread has closed it;</li>
 *   <li>while nobody runs it: the closing thread takes ownership first, as {@code runForever}
 *       would, and closes it itself.</li>
 * </ul>
 */
final class Lifecycle {
    private final Loop loop;
    private final Object monitor = new Object();
    private volatile Thread owner = Thread.currentThread();
    private volatile boolean running;
    private volatile boolean stopRequested;
    private volatile boolean closeRequested;
    private volatile boolean closed;
    /** Set when the close is over: the driver and every descriptor of the loop are released. */
    private volatile boolean released;
    /** Set when the loop runs on a thread of its own ({@code EventLoop.start}). */
    private Thread ownThread;

    Lifecycle(Loop loop) {
        this.loop = loop;
    }

    Thread owner() {
        return owner;
    }

    boolean isRunning() {
        return running;
    }

    boolean isClosed() {
        return closed;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    void requestStop() {
        stopRequested = true;
    }

    void ownThread(Thread t) {
        ownThread = t;
    }

    /** The calling thread starts running the loop and becomes its owner. */
    void enterRun() {
        synchronized (monitor) {
            if (closed) {
                throw new LoopClosedException("event loop " + loop + " is closed; create a new one");
            }
            if (running) {
                throw new IllegalStateException("event loop " + loop + " is already running on " + owner.getName());
            }
            Thread me = Thread.currentThread();
            if (ownThread != null && me != ownThread) {
                throw new IllegalStateException("event loop " + loop + " runs on its own thread '"
                        + ownThread.getName() + "'; use execute() to run code there");
            }
            owner = me;
            running = true;
        }
    }

    /** The run returned; closes now if a close was asked for meanwhile. */
    void exitRun() {
        stopRequested = false;
        synchronized (monitor) {
            running = false;
            monitor.notifyAll();
        }
        if (closeRequested) {
            closeOnOwner();
        }
    }

    void close() {
        Thread waitFor;
        synchronized (monitor) {
            if (closed) {
                return;
            }
            if (!running) {
                // Nobody runs the loop: the closing thread owns it from here on, so what runs
                // while it closes runs on the loop's thread, not beside it.
                owner = Thread.currentThread();
                running = true; // no runForever may start meanwhile
                waitFor = null;
            } else {
                closeRequested = true;
                // The second case: a hosted loop, closed from another's turn on the one thread
                // that runs them all, which must not wait for itself.
                if (loop.inLoop() || owner == Thread.currentThread()) {
                    loop.stop(); // closes when runForever returns
                    return;
                }
                waitFor = owner;
            }
        }
        if (waitFor == null) {
            try {
                closeOnOwner();
            } finally {
                synchronized (monitor) {
                    running = false;
                    monitor.notifyAll();
                }
            }
            return;
        }
        loop.stop();
        awaitClosed(waitFor);
    }

    private void awaitClosed(Thread loopThread) {
        boolean interrupted = false;
        synchronized (monitor) {
            while (!released && loopThread.isAlive()) {
                try {
                    monitor.wait(100);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeOnOwner() {
        synchronized (monitor) {
            if (closed) {
                return;
            }
        }
        try {
            loop.release();
        } finally {
            synchronized (monitor) {
                released = true;
                monitor.notifyAll();
            }
        }
    }

    /** Called by {@link Loop#release} once green threads have unwound: no new work from here on. */
    void markClosed() {
        synchronized (monitor) {
            closed = true;
        }
    }
}
