package io.weft.internal.io.readiness.epoll;

import io.weft.internal.io.NativeAccepted;

/** A descriptor an {@link EpollListenIo} accepted, for some epoll loop's {@link EpollSockets#adopt}. */
final class EpollAccepted extends NativeAccepted {
    EpollAccepted(int fd, boolean unix) {
        super(fd, unix);
    }

    @Override
    protected String backend() {
        return "epoll";
    }
}
