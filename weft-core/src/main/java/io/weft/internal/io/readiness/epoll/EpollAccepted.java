package io.weft.internal.io.readiness.epoll;

import io.weft.internal.io.AcceptedSocket;
import io.weft.internal.sys.Fd;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A descriptor an {@link EpollListenIo} accepted, on its way to some loop's
 * {@link EpollSockets#adopt}. Whoever holds it owns the descriptor until {@link #take()} (adopt)
 * or {@link #close()}, whichever comes first; any thread may close it.
 */
final class EpollAccepted implements AcceptedSocket {
    private final int fd;
    private final boolean unix;
    private final AtomicBoolean owned = new AtomicBoolean(true);

    EpollAccepted(int fd, boolean unix) {
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
        return "epoll socket fd " + fd + (unix ? " (unix)" : "");
    }
}
