package io.weft.testkit;

import io.weft.loop.EventLoop;
import io.weft.loop.ExceptionHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link ExceptionHandler} that keeps what it is given, for a test to inspect. Install it
 * with {@code LoopConfig.builder().exceptionHandler(recorder)}: without it, an assertion that
 * fails inside a callback only gets logged, and the test passes.
 *
 * <p>Threading: any thread; the loop adds reports from its thread, the test reads from its own.
 */
public final class ExceptionRecorder implements ExceptionHandler {
    private final List<Report> reports = new CopyOnWriteArrayList<>();

    /**
     * One exception given to the handler.
     *
     * @param context what the loop said was running
     * @param error   what was thrown (or, for debug-mode warnings, a {@link io.weft.loop.LoopWarning})
     */
    public record Report(String context, Throwable error) {
    }

    @Override
    public void handle(EventLoop loop, String context, Throwable error) {
        reports.add(new Report(context, error));
    }

    /** Everything recorded so far, oldest first. */
    public List<Report> reports() {
        return List.copyOf(reports);
    }

    /** The recorded errors of {@code type}, oldest first. */
    public <T extends Throwable> List<T> errors(Class<T> type) {
        return reports.stream().map(Report::error).filter(type::isInstance).map(type::cast).toList();
    }

    /** Forgets everything recorded so far. */
    public void clear() {
        reports.clear();
    }

    /**
     * Fails with {@link AssertionError} if anything was recorded: the first error is the cause,
     * later ones are suppressed.
     */
    public void assertNone() {
        List<Report> seen = reports();
        if (seen.isEmpty()) {
            return;
        }
        Report first = seen.getFirst();
        AssertionError e = new AssertionError(seen.size() + " exception(s) reached the loop's exception handler;"
                + " the first, in " + first.context() + ": " + first.error(), first.error());
        for (Report r : seen.subList(1, seen.size())) {
            e.addSuppressed(r.error());
        }
        throw e;
    }
}
