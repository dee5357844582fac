package io.weft.loop;

/**
 * Receives exceptions that escaped user callbacks and errors that have nobody else to report
 * to (a failed future dropped unobserved, a connection error with no protocol to tell).
 *
 * <p>Called on the loop thread. An exception thrown by the handler itself is logged and
 * swallowed: nothing stops the loop.
 */
@FunctionalInterface
public interface ExceptionHandler {

    /**
     * @param loop    the loop the error happened on
     * @param context what was running, e.g. {@code "callback Foo$$Lambda scheduled at Foo.java:12"}
     * @param error   what it threw
     */
    void handle(EventLoop loop, String context, Throwable error);

    /**
     * The default: logs through {@link System.Logger} named {@code io.weft.loop}, a
     * {@link LoopWarning} at WARNING, anything else at ERROR.
     */
    static ExceptionHandler logging() {
        return (loop, context, error) -> {
            System.Logger log = System.getLogger("io.weft.loop");
            if (error instanceof LoopWarning w) {
                log.log(System.Logger.Level.WARNING, w.getMessage() + " [" + loop + "]", w.getCause());
            } else {
                log.log(System.Logger.Level.ERROR, "Exception in " + context + " [" + loop + "]", error);
            }
        };
    }
}
