package io.weft.http.client;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a response body goes, piece by piece, on the loop thread. Each buffer is lent for the
 * call. Throwing aborts the exchange (and its connection); the exception fails the promise.
 */
@FunctionalInterface
public interface BodySink {
    void onData(ByteBuffer data) throws IOException;

    /** The body is complete. */
    default void onEnd() throws IOException {
    }
}
