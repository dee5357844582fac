package io.weft.loop;

/** Thrown when work is handed to an event loop that has been closed. */
public final class LoopClosedException extends IllegalStateException {
    public LoopClosedException(String message) {
        super(message);
    }
}
