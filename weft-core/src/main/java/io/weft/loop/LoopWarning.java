package io.weft.loop;

import java.time.Duration;

/**
 * Something debug mode noticed that is not an error of the loop itself. Delivered to the
 * {@link ExceptionHandler} like an exception; the default handler logs it at WARNING.
 */
public abstract sealed class LoopWarning extends RuntimeException
        permits LoopWarning.SlowCallback, LoopWarning.UnobservedFailure {

    private LoopWarning(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** A callback held the loop thread longer than {@link LoopConfig#slowCallbackThreshold()}. */
    public static final class SlowCallback extends LoopWarning {
        private final String callback;
        private final Duration took;

        public SlowCallback(String callback, Duration took, Duration threshold) {
            super(callback + " took " + took.toMillis() + " ms, blocking the loop (slow-callback threshold "
                    + threshold.toMillis() + " ms)", null);
            this.callback = callback;
            this.took = took;
        }

        /** The callback's description: what it is and, in debug mode, where it was scheduled. */
        public String callback() {
            return callback;
        }

        public Duration took() {
            return took;
        }
    }

    /** A future failed and was garbage-collected without anyone looking at the failure. */
    public static final class UnobservedFailure extends LoopWarning {
        public UnobservedFailure(String future, Throwable failure) {
            super("future " + future + " failed and nobody observed the failure", failure);
        }
    }
}
