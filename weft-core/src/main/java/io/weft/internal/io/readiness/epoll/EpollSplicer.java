package io.weft.internal.io.readiness.epoll;

import io.weft.internal.io.Splicer;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.Io;
import io.weft.internal.sys.Pipes;
import io.weft.internal.sys.SysErrors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Splicer} of an {@link EpollSocketIo}: {@code splice(2)} between the non-blocking socket
 * and a non-blocking pipe, with {@code SPLICE_F_NONBLOCK | SPLICE_F_MOVE}. From a TCP socket the
 * kernel moves references to the received buffers' pages into the pipe, and from the pipe to
 * another socket it hands those pages on ({@code MSG_SPLICE_PAGES}): the bytes never reach this
 * process. Readiness comes through the socket's own registration ({@link EpollSocketIo#awaitReadable},
 * {@link EpollSocketIo#awaitWritable}).
 *
 * <p>{@code EAGAIN} from a splice into the pipe means "the socket has nothing" or "the pipe is
 * full" alike; a caller that splices in only into an empty pipe (as the relay does) can tell
 * them apart. The pipes opened here are closed with the socket ({@link #closePipes}).
 */
final class EpollSplicer implements Splicer {
    private static final int FLAGS = Io.SPLICE_F_MOVE | Io.SPLICE_F_NONBLOCK;

    private final EpollSocketIo io;
    private final CallState cs;
    private final int fd;
    /** Pipes this socket owns, still open. */
    private final List<EpollPipe> pipes = new ArrayList<>(2);

    EpollSplicer(EpollSocketIo io, CallState cs, int fd) {
        this.io = io;
        this.cs = cs;
        this.fd = fd;
    }

    @Override
    public Pipe openPipe(int size) throws IOException {
        int r = Fd.pipe(cs);
        if (r < 0) {
            throw SysErrors.exception("pipe2", -r);
        }
        EpollPipe p = new EpollPipe(this, cs.intResult(0), cs.intResult(1));
        // A bigger pipe where the kernel allows it; past pipe-max-size (unprivileged) or the
        // user's pipe-buffer limit it says EPERM and the pipe keeps its default (16 pages).
        Pipes.setSize(cs, p.write, size);
        int cap = Pipes.size(cs, p.write);
        p.capacity = cap > 0 ? cap : 4096;
        pipes.add(p);
        return p;
    }

    @Override
    public long spliceIn(Pipe pipe, long max) throws IOException {
        EpollPipe p = (EpollPipe) pipe;
        while (!io.isClosed() && p.open()) {
            long n = Io.splice(cs, fd, p.write, max, FLAGS);
            if (n > 0) {
                return n;
            }
            if (n == 0) {
                return -1; // the peer's FIN
            }
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            if (n != -Errno.EINTR) {
                throw SysErrors.exception("splice from socket", (int) -n);
            }
        }
        return 0;
    }

    @Override
    public long spliceOut(Pipe pipe, long max) throws IOException {
        EpollPipe p = (EpollPipe) pipe;
        while (!io.isClosed() && p.open()) {
            long n = Io.splice(cs, p.read, fd, max, FLAGS);
            if (n >= 0) {
                return n; // 0: the pipe is empty (nobody else writes it, so never "no writer")
            }
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            if (n != -Errno.EINTR) {
                throw SysErrors.exception("splice to socket", (int) -n);
            }
        }
        return 0;
    }

    @Override
    public void whenReadable(Runnable then) {
        io.awaitReadable(then);
    }

    @Override
    public void whenWritable(Runnable then) {
        io.awaitWritable(then);
    }

    /** The socket is closing: every pipe it owns goes too. */
    void closePipes() {
        for (int i = pipes.size() - 1; i >= 0; i--) {
            pipes.get(i).close();
        }
    }

    /** Two descriptors; owned by the socket's splicer from {@code pipe2} to {@link #close}. */
    private static final class EpollPipe implements Pipe {
        private final EpollSplicer owner;
        final int read;
        final int write;
        int capacity;
        private boolean closed;

        EpollPipe(EpollSplicer owner, int read, int write) {
            this.owner = owner;
            this.read = read;
            this.write = write;
        }

        boolean open() {
            return !closed;
        }

        @Override
        public int capacity() {
            return capacity;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            owner.pipes.remove(this);
            // Never retried on EINTR (see Fd.close); pages still in the pipe are released with it.
            Fd.close(owner.cs, read);
            Fd.close(owner.cs, write);
        }

        @Override
        public String toString() {
            return "splice pipe " + read + "/" + write + " (" + capacity + " bytes)";
        }
    }
}
