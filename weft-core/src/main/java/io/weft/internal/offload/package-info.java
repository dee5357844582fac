/**
 * The offload pool: one bounded pool of platform threads per process, shared by every loop,
 * that runs blocking work (name lookups, file system calls, user code handed to
 * {@link io.weft.loop.EventLoop#offload}) and completes a promise that calls back on the loop
 * that asked. It is the first backend of file I/O ({@code io.weft.internal.file}); a completion
 * backend (io_uring) will take file reads and writes off it later.
 */
package io.weft.internal.offload;
