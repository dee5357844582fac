package io.weft.internal.loop;

/** Where user code scheduled a callback from, for debug mode's reports. */
final class CallSites {
    private CallSites() {
    }

    /** The caller's first frame outside Weft, as {@code Class.method(File.java:line)}, or null. */
    static String capture() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith("io.weft.internal.")
                        && !f.getClassName().startsWith("io.weft.future."))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse(null));
    }
}
