/**
 * Files on a loop: {@link io.weft.file.AsyncFile} opens, reads, writes, syncs and closes files,
 * and stats, lists, deletes, renames and creates paths, each operation completing a promise on
 * the loop while the work happens elsewhere, so the loop never waits on a disk. Failures are
 * {@link io.weft.file.FileException}s typed by cause and naming the call and the path.
 *
 * <p>Today the work runs on the process's offload pool (NIO and poll loops); the operations go
 * through an internal completion-shaped file interface so that an io_uring loop can run them as
 * ring operations later. Files reach sockets with {@link io.weft.net.Transport#sendFile} and
 * come back with {@link io.weft.file.AsyncFile#writeFrom}, both with bounded memory.
 */
package io.weft.file;
