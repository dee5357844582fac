package io.weft.internal.io.readiness.nio;

import io.weft.internal.io.Errors;
import io.weft.internal.io.FileSender;
import io.weft.internal.io.SendableFile;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * {@link FileSender} of a {@link NioSocketIo}: {@code FileChannel.transferTo} to the non-blocking
 * {@link SocketChannel}, which the JDK does with {@code sendfile(2)} on Linux (and a bounded
 * mapped or buffered copy elsewhere), returning what the socket took, 0 when it is full.
 *
 * <p>This backend uses the JDK only, so it cannot ask the page cache before sending:
 * {@link #cached} trusts it, and a file that is not cached is read inside {@code transferTo} on
 * the loop thread. The native epoll backend asks first.
 */
final class NioFileSender implements FileSender {
    private final NioSocketIo io;
    private final SocketChannel channel;

    NioFileSender(NioSocketIo io, SocketChannel channel) {
        this.io = io;
        this.channel = channel;
    }

    @Override
    public long send(SendableFile file, long position, long count) throws IOException {
        if (io.isClosed()) {
            return 0;
        }
        long n;
        try {
            n = file.channel().transferTo(position, count, channel);
        } catch (IOException e) {
            throw Errors.translate("sendfile", e);
        }
        // transferTo says 0 both for a full socket and for a position at or past the end.
        return n > 0 || position < file.channel().size() ? n : -1;
    }

    @Override
    public boolean cached(SendableFile file, long position, long count) {
        return true;
    }

    @Override
    public void whenWritable(Runnable then) {
        io.awaitWritable(then);
    }
}
