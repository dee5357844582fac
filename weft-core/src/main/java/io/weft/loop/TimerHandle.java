package io.weft.loop;

/** A callback scheduled for a point in the loop's time; see {@link EventLoop#callAt}. */
public interface TimerHandle extends Handle {

    /** When the callback is due, in the loop's time ({@link EventLoop#time()}), nanoseconds. */
    long when();
}
