package io.weft.internal.io;

/**
 * A connect in progress on a driver, started by {@link SocketFactory#connect}. Loop thread only.
 */
public interface ConnectIo {

    /**
     * Abandons the attempt (another one won, or the caller gave up) and releases its socket. No
     * sink call follows. A completion backend cancels its operation and frees the address only
     * when the kernel has let go of it. Idempotent; a no-op after the sink heard the outcome.
     */
    void cancel();
}
