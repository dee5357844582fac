/**
 * File I/O under {@link io.weft.file.AsyncFile}: the backend interface ({@link FileIo},
 * {@link FileHandle}), the one place that picks a backend ({@link FileIos}), the one place that
 * gives failures their types ({@link FileErrors}), and what is built on the interface whatever
 * the backend: large reads split into parallel positional reads ({@link ChunkedRead}), the
 * copy loops between files and transports, and how a cancelled operation is told to stop before
 * its next step ({@link StopSignal}).
 *
 * <p>The interface is completion-shaped: each call submits one operation and returns a promise
 * the backend completes. {@code pool} runs each operation as a blocking call on the offload
 * pool; {@code uring} submits read, write, fsync, statx, openat and close to the loop's io_uring
 * ring, and nothing above this package knows which. A driver may bring a backend of its own
 * ({@code IoDriver.fileIo()}: the simulated host's in-memory disk in weft-testkit).
 */
package io.weft.internal.file;
