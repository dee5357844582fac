package io.weft.loop;

/**
 * Counters of an event loop since it was created. A snapshot; reading it from another thread
 * is allowed and may see slightly stale values.
 *
 * @param turns           loop turns completed
 * @param callbacksRun    callbacks run (including readiness and timer callbacks)
 * @param wakeups         times another thread woke the loop out of a wait (one system call each)
 * @param pendingTimers   timers scheduled and not yet run or cancelled
 * @param registeredChannels channels with a reader or writer callback
 */
public record LoopStats(long turns, long callbacksRun, long wakeups, int pendingTimers, int registeredChannels) {
}
