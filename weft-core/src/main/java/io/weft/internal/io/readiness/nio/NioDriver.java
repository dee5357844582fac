package io.weft.internal.io.readiness.nio;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.ChannelWatches;
import io.weft.internal.io.DriverContext;
import io.weft.internal.io.IoDriver;
import io.weft.internal.io.ReadyQueue;
import io.weft.internal.io.SocketFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.util.IdentityHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The readiness driver over a JDK {@link Selector}: the JDK's epoll selector on Linux, or its
 * poll(2) one (see {@code readiness.poll}).
 *
 * <p>Registration changes are cheap here: {@link SelectionKey#interestOps(int)} only queues the
 * change, and the JDK's epoll selector applies the queue in one batch at the start of the next
 * select (the batching seed 002 asks of a readiness API). An interest set of zero removes the
 * descriptor from epoll without cancelling the key, so a channel can be re-armed later without
 * the "cancelled key still registered until the next select" trap of {@link SelectionKey#cancel()}.
 *
 * <p>Readiness is level-triggered, as the JDK's selectors are. Loop thread only, but for
 * {@link #wakeup()}.
 */
public final class NioDriver implements IoDriver, ChannelWatches {
    /** Interest in (or readiness for) reading, accepting. */
    static final int READ = 1;
    /** Interest in (or readiness for) writing, connect completion. */
    static final int WRITE = 2;

    private final Selector selector;
    private final String name;
    private final ReadyQueue ready;
    private final DriverContext context;
    private final NioSockets sockets;
    private final IdentityHashMap<SelectableChannel, Registration> registrations = new IdentityHashMap<>();
    /** Channels with a public reader or writer ({@code addReader}), for {@link #size()}. */
    private int watchedByUsers;
    private final Consumer<SelectionKey> dispatch = this::dispatch;

    public NioDriver(SelectorProvider provider, String name, DriverContext context) throws IOException {
        this.selector = provider.openSelector();
        this.name = name;
        this.ready = context.ready();
        this.context = context;
        this.sockets = new NioSockets(this, context);
    }

    // ---- the turn ----

    @Override
    public int await(long timeoutNanos) throws IOException {
        if (timeoutNanos == 0) {
            return selector.selectNow(dispatch);
        }
        // Round up: waking before a timer is due would only make the loop spin once more.
        long millis = timeoutNanos < 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
        return selector.select(dispatch, millis);
    }

    /** Queues a task on the loop's run queue (a socket's held input, on resume). */
    void runSoon(Task task) {
        ready.add(task);
    }

    private void dispatch(SelectionKey key) {
        if (!(key.attachment() instanceof Registration r)) {
            return;
        }
        int readyOps = key.readyOps();
        if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && r.reader != null) {
            ready.add(r.reader);
        }
        if ((readyOps & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && r.writer != null) {
            ready.add(r.writer);
        }
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public SocketFactory sockets() {
        return sockets;
    }

    @Override
    public ChannelWatches channelWatches() {
        return this;
    }

    @Override
    public int registrations() {
        return registrations.size();
    }

    @Override
    public void close() {
        // A socket of this driver still open now was left behind (a connect in progress, say):
        // its descriptor goes with the loop. JDK channels watched with addReader are the user's.
        for (Registration r : registrations.values()) {
            if (!r.public_) {
                try {
                    r.channel.close();
                } catch (IOException ignored) {
                    // released either way
                }
            }
        }
        clear();
        try {
            selector.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Reports a failure that belongs to no callback to the loop's exception handler. */
    void report(String context, Throwable error) {
        this.context.loop().reportException(context, error);
    }

    // ---- registrations for Weft's own sockets ----

    /**
     * Registers {@code channel} for one of this driver's sockets: both callbacks stay for the
     * channel's life and start disarmed; see {@link Registration#arm}.
     */
    Registration watch(SelectableChannel channel, Runnable onReadable, Runnable onWritable) {
        if (registrations.containsKey(channel)) {
            throw new IllegalStateException(channel + " is already watched by this loop");
        }
        Registration r = new Registration(channel, false);
        r.reader = new Task(onReadable, null);
        r.writer = new Task(onWritable, null);
        r.armed = 0;
        register(r);
        return r;
    }

    private void register(Registration r) {
        try {
            SelectableChannel channel = r.channel;
            if (channel.isBlocking()) {
                channel.configureBlocking(false);
            }
            SelectionKey key = channel.keyFor(selector);
            if (key != null && !key.isValid()) {
                // Cancelled in this turn and not yet flushed: the JDK refuses to register the
                // channel again until a select has processed the cancellation.
                selector.selectNow(k -> { });
                key = null;
            }
            int ops = toOps(channel, r.interest());
            if (key == null) {
                if (!channel.isOpen()) {
                    throw new ClosedChannelException();
                }
                key = channel.register(selector, ops, r);
            } else {
                key.interestOps(ops);
                key.attach(r);
            }
            r.key = key;
            registrations.put(channel, r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + r.channel, e);
        }
    }

    private void unregister(Registration r) {
        if (registrations.get(r.channel) != r) {
            return;
        }
        registrations.remove(r.channel);
        if (r.key.isValid()) {
            // Interest zero takes the descriptor out of epoll; the key itself goes when the
            // channel closes (see the class comment).
            r.key.interestOps(0);
            r.key.attach(null);
        }
    }

    static int toOps(SelectableChannel channel, int interest) {
        int valid = channel.validOps();
        int ops = 0;
        if ((interest & READ) != 0) {
            ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if ((interest & WRITE) != 0) {
            ops |= valid & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
        }
        return ops;
    }

    /** One channel's callbacks and its selection key. Loop thread only. */
    final class Registration {
        final SelectableChannel channel;
        /** Made by {@code addReader}/{@code addWriter}, not by this driver's sockets. */
        final boolean public_;
        SelectionKey key;
        Task reader;
        Task writer;
        /** Which of the present callbacks are wanted; the public API keeps both armed. */
        int armed = READ | WRITE;

        Registration(SelectableChannel channel, boolean publicWatch) {
            this.channel = channel;
            this.public_ = publicWatch;
        }

        int interest() {
            return ((reader != null ? READ : 0) | (writer != null ? WRITE : 0)) & armed;
        }

        /** Sets which callbacks the selector should report: {@link #READ} | {@link #WRITE}. */
        void arm(int ops) {
            if (armed != ops) {
                armed = ops;
                if (key != null && key.isValid() && registrations.get(channel) == this) {
                    key.interestOps(toOps(channel, interest()));
                }
            }
        }

        int armed() {
            return armed;
        }

        /** Stops watching the channel for good. Idempotent. Does not close the channel. */
        void close() {
            reader = null;
            writer = null;
            unregister(this);
        }
    }

    // ---- ChannelWatches: addReader/addWriter on JDK channels ----

    @Override
    public void set(SelectableChannel channel, boolean reader, Task task) {
        Registration r = registrations.get(channel);
        if (r != null && !r.public_) {
            throw new IllegalStateException(channel + " belongs to one of Weft's own sockets on this loop");
        }
        if (r == null) {
            r = new Registration(channel, true);
            setTask(r, reader, task);
            register(r);
            watchedByUsers++;
            return;
        }
        setTask(r, reader, task);
        r.key.interestOps(toOps(channel, r.interest()));
    }

    private static void setTask(Registration r, boolean reader, Task task) {
        Task old = reader ? r.reader : r.writer;
        if (old != null) {
            old.markCancelled();
        }
        if (reader) {
            r.reader = task;
        } else {
            r.writer = task;
        }
    }

    @Override
    public boolean remove(SelectableChannel channel, boolean reader, Task task) {
        Registration r = registrations.get(channel);
        if (r == null || !r.public_) {
            return false;
        }
        Task current = reader ? r.reader : r.writer;
        if (current == null || task != null && current != task) {
            return false; // replaced or removed already
        }
        current.markCancelled();
        if (reader) {
            r.reader = null;
        } else {
            r.writer = null;
        }
        if (r.interest() == 0) {
            unregister(r);
            watchedByUsers--;
        } else {
            r.key.interestOps(toOps(channel, r.interest()));
        }
        return true;
    }

    @Override
    public int size() {
        return watchedByUsers;
    }

    @Override
    public void clear() {
        for (Registration r : registrations.values()) {
            if (r.public_) {
                if (r.reader != null) {
                    r.reader.markCancelled();
                }
                if (r.writer != null) {
                    r.writer.markCancelled();
                }
            }
        }
        registrations.clear();
        watchedByUsers = 0;
    }
}
