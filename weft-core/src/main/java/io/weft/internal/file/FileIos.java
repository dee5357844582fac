package io.weft.internal.file;

import io.weft.internal.file.pool.PoolFileIo;
import io.weft.internal.file.uring.UringFileIo;
import io.weft.internal.io.completion.uring.UringFiles;
import io.weft.internal.loop.Loop;
import io.weft.loop.EventLoop;

/**
 * The one place that picks a file backend for a loop: a driver that brings its own
 * ({@link io.weft.internal.io.IoDriver#fileIo()}: a simulated host's file system) gets it; a
 * loop on the io_uring driver whose ring has the file opcodes ({@link UringFiles#of}) gets ring
 * operations; every other loop (NIO, poll, epoll) uses the offload pool.
 */
public final class FileIos {
    private FileIos() {
    }

    public static FileIo forLoop(EventLoop loop) {
        FileIo own = loop instanceof Loop l ? l.driver().fileIo() : null;
        if (own != null) {
            return own;
        }
        UringFiles ring = UringFiles.of(loop);
        return ring != null ? new UringFileIo(ring) : PoolFileIo.INSTANCE;
    }
}
