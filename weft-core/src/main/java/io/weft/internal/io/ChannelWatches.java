package io.weft.internal.io;

import io.weft.internal.dispatch.Task;
import java.nio.channels.SelectableChannel;

/**
 * Readiness callbacks on JDK channels, behind {@code EventLoop.addReader/addWriter}: an extra
 * that readiness backends offer NIO users (asyncio's {@code add_reader}). Level-triggered: a
 * reader runs on every turn that finds its channel readable. Loop thread only.
 */
public interface ChannelWatches {

    /**
     * Sets {@code channel}'s reader ({@code reader} true) or writer, replacing one already there
     * (which is marked cancelled). The channel is switched to non-blocking mode.
     */
    void set(SelectableChannel channel, boolean reader, Task task);

    /**
     * Removes {@code channel}'s reader or writer if it is {@code task} (or any, when {@code task}
     * is null). Returns whether one was removed.
     */
    boolean remove(SelectableChannel channel, boolean reader, Task task);

    /** Channels with a reader or writer. */
    int size();

    /** Marks every callback cancelled and forgets every channel (the loop is closing). */
    void clear();
}
