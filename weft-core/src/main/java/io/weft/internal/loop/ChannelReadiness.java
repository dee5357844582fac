package io.weft.internal.loop;

import io.weft.internal.io.ChannelWatches;
import io.weft.internal.io.IoDriver;
import io.weft.loop.Handle;
import io.weft.loop.LoopClosedException;
import java.nio.channels.SelectableChannel;

/**
 * {@code addReader}/{@code addWriter} on JDK channels: an extra for NIO users that every real
 * driver offers through its {@link ChannelWatches} (readiness drivers from their selector or epoll
 * set, io_uring from one-shot POLL_ADDs); a driver without them (the simulator's) makes the loop
 * refuse with a message saying what to use instead. Loop thread only, but for a handle's cancel.
 */
final class ChannelReadiness {
    private final Loop loop;
    private final IoDriver driver;

    ChannelReadiness(Loop loop, IoDriver driver) {
        this.loop = loop;
        this.driver = driver;
    }

    Handle add(String method, SelectableChannel channel, boolean reader, Runnable callback, String callSite) {
        ChannelWatches w = driver.channelWatches();
        if (w == null) {
            throw new UnsupportedOperationException(method + "() needs JDK channels under the loop, and this loop runs on "
                    + driver.name() + ", which has none to watch. Use Weft's transports (io.weft.net.Net), or make the"
                    + " loop with LoopConfig.builder().poller(PollerKind.EPOLL, IO_URING or NIO)");
        }
        ChannelTask task = new ChannelTask(this, channel, reader, callback, callSite);
        w.set(channel, reader, task);
        return task;
    }

    boolean remove(SelectableChannel channel, boolean reader) {
        ChannelWatches w = driver.channelWatches();
        return w != null && w.remove(channel, reader, null);
    }

    /** A handle was cancelled, perhaps from another thread: drop it on the loop thread. */
    void cancelled(ChannelTask task) {
        if (loop.isClosed()) {
            return; // the registration went with the loop
        }
        if (loop.inLoop()) {
            ChannelWatches w = driver.channelWatches();
            if (w != null) {
                w.remove(task.channel, task.reader, task);
            }
            return;
        }
        try {
            loop.execute(() -> cancelled(task));
        } catch (LoopClosedException ignored) {
            // closed meanwhile: the registration went with the loop
        }
    }

    /** The loop is closing: every callback is cancelled and every channel forgotten. */
    void clear() {
        ChannelWatches w = driver.channelWatches();
        if (w != null) {
            w.clear();
        }
    }
}
