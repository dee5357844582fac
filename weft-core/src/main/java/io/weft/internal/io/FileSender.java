package io.weft.internal.io;

import java.io.IOException;

/**
 * An optional capability of a {@link SocketIo} ({@link SocketIo#fileSender()}): sending a byte
 * range of a file straight from the page cache to the socket, with no copy through this process
 * ({@code sendfile(2)} on native epoll, {@code FileChannel.transferTo} on NIO). A backend without
 * it returns null there: io_uring sends files through {@link CompletionSplicer#openFilePipe}
 * instead, and a backend with neither (poll, or io_uring without SPLICE) falls back to the
 * transport's copy loop.
 *
 * <p>Driven by writability: {@link #send} takes what the kernel takes now and never waits;
 * when the socket is full the caller asks {@link #whenWritable} to be called back, through the
 * same write-readiness machinery as the write queue. The transport calls {@link #send} only while
 * its write queue is empty, so the file's bytes follow every byte written before them.
 *
 * <p>Loop thread only. After the {@link SocketIo} closes, {@link #send} throws nothing and sends
 * nothing (it returns 0) and no {@link #whenWritable} callback runs.
 */
public interface FileSender {

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code position} now, without waiting
     * for the socket.
     *
     * @return the bytes the kernel took; 0 when the socket is full (ask {@link #whenWritable});
     *         -1 when the file ends at {@code position}
     * @throws IOException the socket's failure, typed as the backend types its write errors
     *         (a peer that reset: {@link io.weft.net.ConnectionResetException})
     */
    long send(SendableFile file, long position, long count) throws IOException;

    /**
     * Whether the bytes at {@code position} and at {@code position + count - 1} are in the page
     * cache, so that {@link #send} will not wait for the disk on the loop thread. True when the
     * backend cannot tell (it then trusts the cache).
     */
    boolean cached(SendableFile file, long position, long count);

    /**
     * Runs {@code then} once, on a later turn, when the socket can take more bytes. A second call
     * replaces the first; null cancels it.
     */
    void whenWritable(Runnable then);
}
