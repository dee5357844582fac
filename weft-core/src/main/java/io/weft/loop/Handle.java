package io.weft.loop;

/**
 * A callback scheduled on an event loop, which can be cancelled until it runs.
 *
 * <p>Threading: {@link #cancel()} and {@link #isCancelled()} may be called from any thread. A
 * cancel that races with the callback starting may lose: the callback then runs once, as if the
 * cancel came after it.
 */
public interface Handle {

    /** Prevents the callback from running if it has not started yet. Idempotent. */
    void cancel();

    /** Whether {@link #cancel()} was called. */
    boolean isCancelled();
}
