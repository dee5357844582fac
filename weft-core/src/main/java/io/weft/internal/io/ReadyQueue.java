package io.weft.internal.io;

import io.weft.internal.dispatch.Task;

/**
 * Where a driver puts the tasks that its events make ready: the loop's run queue. Loop thread
 * only; called from inside {@link IoDriver#await}.
 */
@FunctionalInterface
public interface ReadyQueue {
    void add(Task task);
}
