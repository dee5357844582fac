package io.weft.net;

import java.io.IOException;
import java.time.Duration;

/** A connection was closed because one of its timeouts fired; see {@link TimeoutKind}. */
public final class ConnectionTimeoutException extends IOException {
    private final TimeoutKind kind;

    public ConnectionTimeoutException(TimeoutKind kind, Duration after) {
        super(kind.name().toLowerCase() + " timeout: " + switch (kind) {
            case IDLE -> "no traffic";
            case READ -> "nothing read";
            case WRITE -> "buffered output made no progress";
        } + " for " + after.toMillis() + " ms");
        this.kind = kind;
    }

    public TimeoutKind kind() {
        return kind;
    }
}
