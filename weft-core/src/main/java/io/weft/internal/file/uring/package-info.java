/**
 * The io_uring file backend: {@link io.weft.internal.file.FileIo} on a loop whose driver is
 * io_uring. Reads, writes, fsync/fdatasync, open, close and stat are ring operations
 * ({@code io.weft.internal.io.completion.uring.UringFiles}); what the ring has no opcode for on
 * every kernel Weft runs on (ftruncate, copy_file_range, directory listing, rename, unlink,
 * mkdir) stays on the offload pool. A cancelled read or write is cancelled in the kernel
 * (ASYNC_CANCEL), and its buffer stays lent until the operation's own completion.
 */
package io.weft.internal.file.uring;
