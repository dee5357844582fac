package io.weft.stream;

import java.io.IOException;

/**
 * A line or separator search found no end within the reader's limit
 * ({@link StreamReader#limit()}). Nothing was consumed: the bytes stay buffered, and reading
 * from the socket stays paused while they exceed the limit, so an endless line costs at most
 * the limit (plus one socket read) of memory.
 */
public final class LimitExceededException extends IOException {
    private final int limit;

    public LimitExceededException(String message, int limit) {
        super(message);
        this.limit = limit;
    }

    /** The reader's limit, bytes, when the search gave up. */
    public int limit() {
        return limit;
    }
}
