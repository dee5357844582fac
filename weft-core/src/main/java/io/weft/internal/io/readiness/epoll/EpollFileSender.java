package io.weft.internal.io.readiness.epoll;

import io.weft.internal.io.FileSender;
import io.weft.internal.io.SendableFile;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Io;
import io.weft.internal.sys.PageCache;
import io.weft.internal.sys.SysErrors;
import java.io.IOException;

/**
 * {@link FileSender} of an {@link EpollSocketIo}: {@code sendfile(2)} from the file's descriptor
 * to the non-blocking socket, which takes what fits in the socket's send buffer and returns
 * ({@code EAGAIN} when none fits: then wait for {@code EPOLLOUT} through the socket's own
 * registration). The file's pages go to the socket by reference, not through this process.
 *
 * <p>{@code sendfile} reads pages that are not cached synchronously, inside the call: that would
 * stall the loop. {@link #cached} asks the page cache first ({@link PageCache}); the transport
 * reads an uncached window in on the offload pool before sending it from here.
 */
final class EpollFileSender implements FileSender {
    private final EpollSocketIo io;
    private final CallState cs;
    private final int fd;

    EpollFileSender(EpollSocketIo io, CallState cs, int fd) {
        this.io = io;
        this.cs = cs;
        this.fd = fd;
    }

    @Override
    public long send(SendableFile file, long position, long count) throws IOException {
        while (!io.isClosed()) {
            long n = Io.sendfile(cs, fd, file.descriptor(), position, count);
            if (n > 0) {
                return n;
            }
            if (n == 0) {
                return -1; // sendfile gives 0 only at the file's end
            }
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            if (n != -Errno.EINTR) {
                throw SysErrors.exception("sendfile", (int) -n);
            }
        }
        return 0;
    }

    @Override
    public boolean cached(SendableFile file, long position, long count) {
        int f = file.descriptor();
        return PageCache.cached(cs, f, position) && (count <= 1 || PageCache.cached(cs, f, position + count - 1));
    }

    @Override
    public void whenWritable(Runnable then) {
        io.awaitWritable(then);
    }
}
