package io.weft.internal.poll;

/**
 * One channel's registration with a {@link Poller}. Loop thread only.
 */
public interface PollKey {

    /** The current interest set, {@link Poller#READ} | {@link Poller#WRITE}. */
    int interest();

    /**
     * Changes the interest set. Backends may batch the change and apply it at the next poll
     * (the JDK's epoll selector does), so flipping interest is cheap.
     */
    void interest(int ops);

    /** Stops watching the channel. The key is dead afterwards. */
    void deregister();
}
