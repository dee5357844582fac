/**
 * The offload pool: one bounded pool of platform threads per process, shared by every loop,
 * that runs blocking work (name lookups, file system calls, user code handed to
 * {@link io.weft.loop.EventLoop#offload}) and completes a promise that calls back on the loop
 * that asked. It is the file backend of readiness loops ({@code io.weft.internal.file.pool}); an
 * io_uring loop does file reads and writes on its ring and lists and copies here.
 * {@link io.weft.internal.offload.FirstUse} makes it ahead of the first file call.
 */
package io.weft.internal.offload;
