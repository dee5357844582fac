package io.weft.stream;

import java.io.IOException;

/**
 * The connection was closed cleanly (by either side) while an operation still needed it, for
 * example a {@link StreamWriter#drain()} whose buffered bytes can no longer be sent. A connection
 * lost to an error reports that error instead (such as
 * {@link io.weft.net.ConnectionResetException}).
 */
public final class ConnectionClosedException extends IOException {
    public ConnectionClosedException(String message) {
        super(message);
    }
}
