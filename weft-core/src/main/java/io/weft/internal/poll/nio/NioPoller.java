package io.weft.internal.poll.nio;

import io.weft.internal.poll.PollKey;
import io.weft.internal.poll.Poller;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link Poller} over a JDK {@link Selector}.
 *
 * <p>Registration changes are cheap here: {@link SelectionKey#interestOps(int)} only queues the
 * change, and the JDK's epoll selector applies the queue in one batch at the start of the next
 * select (the batching seed 002 asks of a readiness API). An interest set of zero removes the
 * descriptor from epoll without cancelling the key, so a channel can be re-armed later without
 * the "cancelled key still registered until the next select" trap of {@link SelectionKey#cancel()}.
 */
public final class NioPoller implements Poller {
    private final Selector selector;
    private final String name;
    /** The sink of the poll in progress; a field so the selector callback allocates nothing. */
    private ReadySink sink;
    private final Consumer<SelectionKey> dispatch = this::dispatch;

    public NioPoller(SelectorProvider provider, String name) throws IOException {
        this.selector = provider.openSelector();
        this.name = name;
    }

    @Override
    public PollKey register(SelectableChannel channel, int interest, Object attachment) throws IOException {
        SelectionKey key = channel.keyFor(selector);
        if (key != null && !key.isValid()) {
            // Cancelled in this turn and not yet flushed: the JDK refuses to register the
            // channel again until a select has processed the cancellation.
            selector.selectNow(k -> { });
            key = null;
        }
        if (key == null) {
            if (!channel.isOpen()) {
                throw new ClosedChannelException();
            }
            key = channel.register(selector, toOps(channel, interest), null);
        } else {
            key.interestOps(toOps(channel, interest));
        }
        Key k = new Key(key, channel, interest, attachment);
        key.attach(k);
        return k;
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) throws IOException {
        this.sink = sink;
        try {
            if (timeoutNanos == 0) {
                return selector.selectNow(dispatch);
            }
            // Round up: waking before a timer is due would only make the loop spin once more.
            long millis = timeoutNanos < 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
            return selector.select(dispatch, millis);
        } finally {
            this.sink = null;
        }
    }

    private void dispatch(SelectionKey key) {
        if (!(key.attachment() instanceof Key k)) {
            return;
        }
        int ready = key.readyOps();
        int ops = 0;
        if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            ops |= READ;
        }
        if ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            ops |= WRITE;
        }
        sink.ready(k.attachment, ops);
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }

    @Override
    public String toString() {
        return name;
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

    private static final class Key implements PollKey {
        private final SelectionKey key;
        private final SelectableChannel channel;
        private final Object attachment;
        private int interest;
        private boolean dead;

        Key(SelectionKey key, SelectableChannel channel, int interest, Object attachment) {
            this.key = key;
            this.channel = channel;
            this.interest = interest;
            this.attachment = attachment;
        }

        @Override
        public int interest() {
            return interest;
        }

        @Override
        public void interest(int ops) {
            if (dead || ops == interest) {
                return;
            }
            interest = ops;
            if (key.isValid()) {
                key.interestOps(toOps(channel, ops));
            }
        }

        @Override
        public void deregister() {
            if (dead) {
                return;
            }
            dead = true;
            interest = 0;
            if (key.isValid()) {
                // Interest zero takes the descriptor out of epoll; the key itself goes when the
                // channel closes (see the class comment).
                key.interestOps(0);
                key.attach(null);
            }
        }
    }
}
