package io.weft.net;

import io.weft.future.Promise;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A listening server made by {@link Net#createServer}. Loop thread only, except
 * {@link #connectionCount()} and {@link #addresses()}, which any thread may read.
 */
public interface Server {

    /** The addresses it listens on (with the real port when port 0 was asked for). */
    List<SocketAddress> addresses();

    /** Connections currently open. */
    int connectionCount();

    /** Bytes buffered for output across all its connections. */
    long bufferedBytes();

    /**
     * Stops accepting and closes the listening sockets. Open connections are left alone.
     * Idempotent.
     */
    void close();

    /**
     * Graceful shutdown: stops accepting, then {@link Transport#close()}s every connection
     * (flushing what each has buffered), and {@link Transport#abort()}s those still open after
     * {@code deadline}. The promise completes when no connection is left.
     */
    Promise<Void> shutdown(Duration deadline);

    /** Completes when the server is closed and its last connection is gone. */
    Promise<Void> closed();
}
