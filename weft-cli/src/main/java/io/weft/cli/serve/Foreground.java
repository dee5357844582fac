package io.weft.cli.serve;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a server command in the foreground until SIGINT (Ctrl-C) or SIGTERM, or until
 * {@link #requestStop()}, then lets it stop gracefully.
 *
 * <p>Signals arrive through a JVM shutdown hook: no {@code sun.misc.Signal}, nothing internal.
 * The hook asks the command's thread to stop, waits (bounded) for it to finish its graceful
 * shutdown and summary, and then ends the JVM with exit code 0, or 1 if the stop did not finish
 * in time.
 *
 * <p>Why the hook ends the JVM with {@link Runtime#halt}: once a signal has started the JVM's
 * shutdown, the process exits with 128 + the signal number (143 for SIGTERM) when the hooks are
 * done, whatever the main thread returns, and {@code System.exit} from the main thread blocks
 * for good. For these servers SIGTERM is the normal way to stop, so a clean stop should exit 0.
 * {@code halt} skips hooks that have not finished, so the commands keep nothing for
 * {@code File.deleteOnExit} or other hooks to do.
 */
public final class Foreground {
    /** How long past the shutdown deadline the hook waits for the command to finish. */
    private static final Duration HOOK_SLACK = Duration.ofSeconds(10);

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Duration hookWait = HOOK_SLACK;

    /** Makes {@link #run} stop the server and return. Any thread; idempotent. */
    public void requestStop() {
        stopRequested.countDown();
    }

    /**
     * Waits for a signal or {@link #requestStop()} (which may come first), then runs {@code stop}
     * (a graceful stop and a summary) on the calling thread and returns. Interrupting the calling
     * thread counts as a request to stop. Once per instance.
     *
     * @param shutdownDeadline the server's own deadline for a graceful stop: a signal waits that
     *                         long and a little more for {@code stop} to finish
     */
    public void run(Duration shutdownDeadline, Runnable stop) {
        hookWait = shutdownDeadline.plus(HOOK_SLACK);
        Thread hook = Thread.ofPlatform().name("weft-shutdown").unstarted(this::onSignal);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            try {
                stopRequested.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it is waiting for 'finished' below
            }
            finished.countDown();
        }
    }

    private void onSignal() {
        requestStop();
        boolean done;
        try {
            done = finished.await(hookWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            done = false;
        }
        if (!done) {
            System.err.println("weft: the server did not stop within " + Durations.format(hookWait) + "; exiting anyway");
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(done ? 0 : 1);
    }
}
