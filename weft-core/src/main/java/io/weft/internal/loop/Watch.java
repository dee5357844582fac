package io.weft.internal.loop;

import io.weft.internal.poll.PollKey;
import io.weft.internal.poll.Poller;
import java.nio.channels.SelectableChannel;

/**
 * One channel's reader and writer callbacks and its registration with the poller.
 *
 * <p>The public {@code addReader}/{@code addWriter} API creates and drops callbacks as users
 * ask. Weft's own transports instead hold one watch for a connection's life
 * ({@link Loop#watch}) and only {@link #arm} and disarm it, so flipping write interest on every
 * partial write allocates nothing. Loop thread only.
 */
public final class Watch {
    final SelectableChannel channel;
    final Loop loop;
    PollKey key;
    IoTask reader;
    IoTask writer;
    /** Which of the present callbacks are wanted; the public API keeps both armed. */
    private int armed = Poller.READ | Poller.WRITE;

    Watch(Loop loop, SelectableChannel channel) {
        this.loop = loop;
        this.channel = channel;
    }

    int interest() {
        return ((reader != null ? Poller.READ : 0) | (writer != null ? Poller.WRITE : 0)) & armed;
    }

    /** Sets which callbacks the poller should report: {@link Poller#READ} | {@link Poller#WRITE}. */
    public void arm(int ops) {
        if (armed != ops) {
            armed = ops;
            if (key != null) {
                key.interest(interest());
            }
        }
    }

    public int armed() {
        return armed;
    }

    /** Stops watching the channel for good. Idempotent. Does not close the channel. */
    public void close() {
        loop.unwatchAll(this);
    }

    /** A reader or writer callback: it stays registered and runs on every readiness. */
    static final class IoTask extends Task {
        private final Watch watch;
        private final boolean reader;

        IoTask(Watch watch, boolean reader, Runnable callback, String callSite) {
            super(callback, callSite);
            this.watch = watch;
            this.reader = reader;
        }

        @Override
        public void cancel() {
            if (isCancelled()) {
                return;
            }
            markCancelled();
            watch.loop.ioTaskCancelled(watch, this, reader);
        }

        @Override
        String describe() {
            return (reader ? "reader " : "writer ") + super.describe() + " for " + watch.channel;
        }
    }
}
