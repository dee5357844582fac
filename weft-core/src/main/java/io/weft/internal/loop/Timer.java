package io.weft.internal.loop;

import io.weft.internal.dispatch.Task;

import io.weft.loop.TimerHandle;

/** A task due at a point in loop time; lives in a {@link TimerQueue} until due or cancelled. */
final class Timer extends Task implements TimerHandle {
    private final Loop loop;
    final long when;
    /** Ties between equal deadlines are broken by scheduling order (FIFO). */
    final long seq;
    /** Position in the heap, or -1 when not queued. Loop thread only. */
    int index = -1;

    Timer(Loop loop, long when, long seq, Runnable callback, String callSite) {
        super(callback, callSite);
        this.loop = loop;
        this.when = when;
        this.seq = seq;
    }

    @Override
    public long when() {
        return when;
    }

    @Override
    public void cancel() {
        if (isCancelled()) {
            return;
        }
        markCancelled();
        // Remove it now rather than let a million cancelled timers sit in the heap.
        loop.timerCancelled(this);
    }

    boolean before(Timer o) {
        return when != o.when ? when - o.when < 0 : seq < o.seq;
    }
}
