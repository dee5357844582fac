package io.weft.testkit.sim;

import java.util.PriorityQueue;

/**
 * What the network will do at a later simulated time (a segment arriving, a SYN answered, a
 * reset striking), earliest first and, at equal times, in the order scheduled: the same run
 * orders them the same way. Events run between loop turns, never inside one; an event that
 * has something to tell a loop marks a socket ready, and the loop hears it in its next turn.
 * Simulation's thread only.
 */
final class Events {
    private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long seq;

    void at(long when, Runnable action) {
        queue.add(new Event(when, seq++, action));
    }

    /** When the next event is due, or {@link Long#MAX_VALUE} if none is pending. */
    long next() {
        Event e = queue.peek();
        return e == null ? Long.MAX_VALUE : e.at;
    }

    /** Runs every event due by {@code now} (and those they schedule for now); returns how many ran. */
    int runDue(long now) {
        int n = 0;
        Event e;
        while ((e = queue.peek()) != null && e.at <= now) {
            queue.poll();
            e.action.run();
            n++;
        }
        return n;
    }

    int size() {
        return queue.size();
    }
}
