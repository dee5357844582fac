package io.weft.internal.io.completion.uring;

import io.weft.internal.io.AcceptedSocket;
import io.weft.internal.sys.Fd;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A descriptor a {@link UringListenIo}'s multishot accept produced, on its way to some io_uring
 * loop's {@link UringSockets#adopt}. Whoever holds it owns the descriptor until {@link #take()}
 * or {@link #close()}; any thread may close it.
 */
final class UringAccepted implements AcceptedSocket {
    private final int fd;
    private final boolean unix;
    private final AtomicBoolean owned = new AtomicBoolean(true);

    UringAccepted(int fd, boolean unix) {
        this.fd = fd;
        this.unix = unix;
    }

    @Override
    public boolean isUnix() {
        return unix;
    }

    /** Hands the descriptor over; {@code -1} if it was closed or taken already. */
    int take() {
        return owned.compareAndSet(true, false) ? fd : -1;
    }

    @Override
    public void close() {
        if (owned.compareAndSet(true, false)) {
            Fd.closeQuietly(fd);
        }
    }

    @Override
    public String toString() {
        return "io_uring socket fd " + fd + (unix ? " (unix)" : "");
    }
}
