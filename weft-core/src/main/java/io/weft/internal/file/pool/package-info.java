/**
 * The first file backend: each operation is a blocking JDK call ({@code FileChannel},
 * {@code Files}) run on the process's offload pool, so the loop never waits on a disk, and
 * parallel positional reads keep several requests at the device at once. Used by the NIO and
 * poll loops; an io_uring loop will use ring operations instead.
 */
package io.weft.internal.file.pool;
