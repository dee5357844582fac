/**
 * The first file backend: each operation is a blocking JDK call ({@code FileChannel},
 * {@code Files}) run on the process's offload pool, so the loop never waits on a disk, and
 * parallel positional reads keep several requests at the device at once. Two operations are more
 * than one call: a whole-file copy ({@code PoolCopy}, {@code copy_file_range} through
 * {@code internal.sys.FileSys}, in steps) and the stats of a directory's entries in batches
 * ({@code StatBatches}). Used by the NIO, poll and epoll loops; an io_uring loop uses ring
 * operations ({@code internal.file.uring}) and this backend for what the ring has no opcode for.
 */
package io.weft.internal.file.pool;
