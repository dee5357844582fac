package io.weft.internal.loop;

/** Where {@link LoopHost#install} keeps the calling thread's host. */
final class HostSlot {
    static final ThreadLocal<LoopHost> CURRENT = new ThreadLocal<>();
    /** Threads with a host installed, so the real clock pays one volatile read when there are none. */
    static volatile int installed;

    static synchronized void count(int removed, int added) {
        installed += removed + added;
    }

    private HostSlot() {
    }
}
