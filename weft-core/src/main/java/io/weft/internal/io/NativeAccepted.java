package io.weft.internal.io;

import io.weft.internal.sys.Fd;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A descriptor a native backend's listener accepted, on its way to some loop of the same backend
 * (each backend has its own subclass, so its {@code adopt} can tell its own from another's).
 * Whoever holds it owns the descriptor until {@link #take()} (adopt) or {@link #close()},
 * whichever comes first; any thread may close it.
 */
public abstract class NativeAccepted implements AcceptedSocket {
    private final int fd;
    private final boolean unix;
    private final AtomicBoolean owned = new AtomicBoolean(true);

    protected NativeAccepted(int fd, boolean unix) {
        this.fd = fd;
        this.unix = unix;
    }

    @Override
    public final boolean isUnix() {
        return unix;
    }

    /** Hands the descriptor over; {@code -1} if it was closed or taken already. */
    public final int take() {
        return owned.compareAndSet(true, false) ? fd : -1;
    }

    @Override
    public final void close() {
        if (owned.compareAndSet(true, false)) {
            Fd.closeQuietly(fd);
        }
    }

    /** The backend's name, for {@link #toString}. */
    protected abstract String backend();

    @Override
    public final String toString() {
        return backend() + " socket fd " + fd + (unix ? " (unix)" : "");
    }
}
