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

    /**
     * How a sink that cannot keep up slows the exchange: {@link #pause()} stops reading from the
     * server (its bytes wait in the kernel, and TCP tells the server to wait), {@link #resume()}
     * reads again. Loop thread only; either may be called any number of times.
     */
    interface Flow {
        void pause();

        void resume();
    }

    /**
     * Called once, before the first {@link #onData}, with the exchange's {@link Flow}: a sink
     * that hands bytes to something slower (a disk, another connection) keeps it and pauses while
     * too much waits. Ignored by default.
     */
    default void attach(Flow flow) {
    }

    /** The body is complete. */
    default void onEnd() throws IOException {
    }
}
