package io.weft.net;

import java.io.IOException;

/** The peer reset the connection (ECONNRESET, or EPIPE on a write after its reset). */
public final class ConnectionResetException extends IOException {
    public ConnectionResetException(String message, Throwable cause) {
        super(message, cause);
    }
}
