package io.weft.internal.file;

import io.weft.internal.file.pool.PoolFileIo;
import io.weft.loop.EventLoop;

/**
 * The one place that picks a file backend for a loop. Today every loop (NIO, poll) uses the
 * offload pool; a loop on the io_uring driver will get the ring's backend here.
 */
public final class FileIos {
    private FileIos() {
    }

    public static FileIo forLoop(EventLoop loop) {
        return PoolFileIo.INSTANCE;
    }
}
