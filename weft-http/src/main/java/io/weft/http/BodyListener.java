package io.weft.http;

import java.nio.ByteBuffer;

/**
 * Receives a request body. Called on the loop thread, in the order
 * {@code onData* -> (onEnd | onError)}: exactly one of the last two, once.
 */
public interface BodyListener {

    /** The next bytes of the body, between position and limit; lent for this call only. */
    void onData(ByteBuffer data);

    /** The body is complete. */
    void onEnd();

    /**
     * The body cannot be read to its end: the client went away ({@link java.io.IOException}),
     * broke the chunked framing ({@link BadRequestException}), sent more than the server's
     * limit ({@link BodyTooLargeException}) or stopped sending ({@link java.util.concurrent.TimeoutException}).
     */
    void onError(Throwable cause);
}
