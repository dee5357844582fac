package io.weft.loop;

import io.weft.future.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N event loops, one per thread, started and stopped together: Weft's shape for using every
 * core. Nothing is shared between the loops; each connection lives on one loop for its whole
 * life, and loops talk by handing each other callbacks ({@link EventLoop#execute}, a
 * multi-producer queue with coalesced wake-ups).
 *
 * <p>Threading: every method may be called from any thread.
 */
public final class LoopGroup implements Executor, AutoCloseable {
    private final List<EventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    private LoopGroup(List<EventLoop> loops) {
        this.loops = List.copyOf(loops);
    }

    /** One loop per available processor. */
    public static LoopGroup start() {
        return start(Runtime.getRuntime().availableProcessors(), LoopConfig.defaults());
    }

    /**
     * {@code n} loops, each on its own thread named {@code config.threadName() + "-" + i}; they
     * share the rest of {@code config}.
     */
    public static LoopGroup start(int n, LoopConfig config) {
        if (n < 1) {
            throw new IllegalArgumentException("a loop group needs at least one loop, not " + n);
        }
        List<EventLoop> loops = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                loops.add(EventLoop.start(config.toBuilder().threadName(config.threadName() + "-" + i).build()));
            }
        } catch (RuntimeException e) {
            loops.forEach(EventLoop::close);
            throw e;
        }
        return new LoopGroup(loops);
    }

    /** The loops, in a fixed order. */
    public List<EventLoop> loops() {
        return loops;
    }

    public int size() {
        return loops.size();
    }

    /** The next loop, round robin: for spreading new work evenly. */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /**
     * The loop watching the fewest channels right now (a racy but cheap reading of
     * {@link LoopStats#registeredChannels()}): for long-lived connections of uneven life.
     */
    public EventLoop leastLoaded() {
        EventLoop best = loops.get(0);
        int bestLoad = Integer.MAX_VALUE;
        for (EventLoop l : loops) {
            int load = l.stats().registeredChannels();
            if (load < bestLoad) {
                best = l;
                bestLoad = load;
            }
        }
        return best;
    }

    /** Runs {@code command} on the {@link #next()} loop. */
    @Override
    public void execute(Runnable command) {
        next().execute(command);
    }

    /** Starts a green thread on the {@link #next()} loop; it never runs on another loop's thread. */
    public <T> Promise<T> spawn(Callable<T> task) {
        return next().spawn(task);
    }

    /** Stops and closes every loop, waiting for their threads. Idempotent. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (EventLoop l : loops) {
            try {
                l.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "LoopGroup" + loops;
    }
}
