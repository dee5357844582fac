package io.weft.internal.io.completion.uring;

import io.weft.internal.io.NativeAccepted;

/**
 * A descriptor a {@link UringListenIo}'s multishot accept produced, for some io_uring loop's
 * {@link UringSockets#adopt}.
 */
final class UringAccepted extends NativeAccepted {
    UringAccepted(int fd, boolean unix) {
        super(fd, unix);
    }

    @Override
    protected String backend() {
        return "io_uring";
    }
}
