package io.weft.internal.dispatch;

/**
 * Marks code running in a green thread, for the layers that must behave differently there
 * without depending on the green-thread machinery: a {@code Promise.join()} on the loop's thread
 * parks a green thread but would deadlock the loop itself.
 */
public final class GreenScope {
    /** Bound, to the green thread's own object, for the whole run of a green thread. */
    public static final ScopedValue<Object> CURRENT = ScopedValue.newInstance();

    private GreenScope() {
    }

    /** Whether the calling code runs in a green thread. */
    public static boolean inGreenThread() {
        return CURRENT.isBound();
    }
}
