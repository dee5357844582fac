package io.weft.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The cross-thread queue of a loop: many producers, one consumer (the loop thread).
 *
 * <p>An intrusive linked queue in the style of Dmitry Vyukov's MPSC node queue: producers swap
 * themselves in as the tail with one atomic exchange, so {@code execute} from many threads
 * never takes a lock and allocates nothing beyond the task. The consumer may briefly see a
 * producer that has swapped the tail but not yet linked {@code next}; it then stops and picks
 * the task up on the next drain (the producer is one store away).
 */
public final class Inbox {
    private static final VarHandle TAIL;
    /**
     * {@link Task#next} with release/acquire ordering: enough to publish a task's fields to the
     * loop thread, and three fences per message cheaper than a volatile field (measured: about
     * 70 to 45 ns of loop CPU per cross-loop message, weft-bench RESULTS-transports.md).
     */
    private static final VarHandle NEXT;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(Inbox.class, "tail", Task.class);
            NEXT = MethodHandles.lookup().findVarHandle(Task.class, "next", Task.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Task stub = new Task(() -> { }, null);
    /** Consumer side: the last task already taken (or the stub). Loop thread only. */
    private Task head = stub;
    @SuppressWarnings("unused") // accessed through TAIL
    private volatile Task tail = stub;

    /** Any thread. */
    public void offer(Task t) {
        t.next = null; // published by the exchange below, a full fence
        Task prev = (Task) TAIL.getAndSet(this, t);
        NEXT.setRelease(prev, t);
    }

    /** Loop thread. May return false while a producer is mid-offer. */
    public boolean isEmpty() {
        return NEXT.getAcquire(head) == null && tail == head;
    }

    /** Loop thread: takes the next task, or null. */
    public Task poll() {
        Task next = (Task) NEXT.getAcquire(head);
        if (next == null) {
            return null;
        }
        head.next = null; // let the taken node go
        head = next;
        return next;
    }
}
