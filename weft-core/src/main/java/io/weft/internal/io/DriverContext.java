package io.weft.internal.io;

import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;

/**
 * What a loop gives the driver it opens: the queue for ready tasks, a way to report errors that
 * belong to no callback, and the loop itself for the layers above (transports schedule timers on
 * it). The read buffer is the loop's one shared buffer for readiness reads: every connection on
 * the loop reads into it and lends it to its protocol for one call.
 *
 * @param loop       the loop the driver runs under
 * @param ready      the loop's run queue
 * @param readBuffer the loop's shared read buffer (direct, 64 KiB); owned by the loop
 */
public record DriverContext(EventLoop loop, ReadyQueue ready, ByteBuffer readBuffer) {
}
