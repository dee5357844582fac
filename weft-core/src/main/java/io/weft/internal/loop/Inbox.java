package io.weft.internal.loop;

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
final class Inbox {
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(Inbox.class, "tail", Task.class);
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
    void offer(Task t) {
        t.next = null;
        Task prev = (Task) TAIL.getAndSet(this, t);
        prev.next = t;
    }

    /** Loop thread. May return false while a producer is mid-offer. */
    boolean isEmpty() {
        return head.next == null && tail == head;
    }

    /** Loop thread: takes the next task, or null. */
    Task poll() {
        Task next = head.next;
        if (next == null) {
            return null;
        }
        head.next = null; // let the taken node go
        head = next;
        return next;
    }
}
