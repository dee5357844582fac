package io.weft.internal.io.completion.uring;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.CompletionSplicer;
import io.weft.internal.io.SendableFile;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.Pipes;
import io.weft.internal.sys.SysErrors;
import io.weft.internal.sys.UringLayout;
import io.weft.internal.sys.UringRing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CompletionSplicer} of a {@link UringSocketIo}: {@code IORING_OP_SPLICE} between the
 * socket and a pipe, in linked chains of SQEs that one {@code io_uring_enter} submits with the
 * rest of the turn.
 *
 * <h2>A round</h2>
 * <pre>
 *   fill  (pipe empty):  POLL_ADD(src, POLLIN) --IO_LINK--&gt; SPLICE src-&gt;pipe --IO_HARDLINK--&gt; SPLICE pipe-&gt;dst
 *   drain (pipe holds):  POLL_ADD(dst, POLLOUT) --IO_LINK--&gt; SPLICE pipe-&gt;dst
 *   file  (pipe empty):  SPLICE file@position-&gt;pipe --IO_HARDLINK--&gt; SPLICE pipe-&gt;dst
 * </pre>
 * The kernel runs every SPLICE in an io-wq worker ({@code REQ_F_FORCE_ASYNC} in io_uring/splice.c),
 * never inline, so a blocking one would hold a worker until the socket moved: each carries
 * {@code SPLICE_F_NONBLOCK} (and both sockets and the pipe are {@code O_NONBLOCK}), and the
 * POLL_ADD in front waits for readiness without a worker. The poll's link is soft: cancelled, it
 * takes the rest of the chain with it ({@code -ECANCELED}). The first splice's is hard, since it is
 * almost always short (it asks for the pipe's capacity), and a short splice counts as failed for a
 * soft link: the second splice moves what the first brought (an empty pipe says {@code EAGAIN}).
 * A file needs no poll in front: its splice reads the page cache, or waits for the disk in the
 * worker (never on the loop), so a file pipe's fill is the last two SQEs of a socket's.
 * A round ends when its last CQE is back; the listener hears it in the run phase.
 *
 * <h2>Lifetimes</h2>
 * A pipe's two descriptors are owned by it from {@code pipe2} until every CQE of its rounds is
 * back after {@link RingPipe#close()}; while any operation of it is in the kernel it also holds
 * both sockets ({@link UringSocketIo#hold}), whose descriptors the kernel looks up only when it
 * runs a linked operation, so neither is closed (and its number reused) under it. A file pipe
 * owns its {@link SendableFile} the same way: closed with the pipe's descriptors, once every CQE
 * is back. Closing a socket closes every pipe that names it ({@link #socketClosed}). Loop thread only.
 */
final class UringSplicer implements CompletionSplicer {
    private static final int FLAGS = UringLayout.SPLICE_F_NONBLOCK | UringLayout.SPLICE_F_MOVE;

    private final UringDriver driver;
    private final UringSocketIo io;
    private final int fd;
    /** Open pipes that name this socket, from it or to it. */
    private final List<RingPipe> pipes = new ArrayList<>(2);

    UringSplicer(UringDriver driver, UringSocketIo io, int fd) {
        this.driver = driver;
        this.io = io;
        this.fd = fd;
    }

    @Override
    public void takeOver(TakeOver then) {
        io.takeOver(then);
    }

    @Override
    public Pipe openPipe(int size, CompletionSplicer to, Listener listener) throws IOException {
        UringSplicer dst = (UringSplicer) to;
        RingPipe p = newPipe(this, null, dst, size, listener);
        pipes.add(p);
        dst.pipes.add(p);
        return p;
    }

    @Override
    public FilePipe openFilePipe(int size, SendableFile file, Listener listener) throws IOException {
        RingPipe p;
        try {
            p = newPipe(null, file, this, size, listener);
        } catch (IOException e) {
            file.close(); // owned from the call on: nothing names it yet
            throw e;
        }
        pipes.add(p);
        return p;
    }

    /** A pipe of {@code size} bytes where the kernel allows it (else its default), as EpollSplicer's. */
    private RingPipe newPipe(UringSplicer src, SendableFile file, UringSplicer dst, int size, Listener listener)
            throws IOException {
        CallState cs = driver.cs;
        int r = Fd.pipe(cs);
        if (r < 0) {
            throw SysErrors.exception("pipe2", -r);
        }
        int read = cs.intResult(0);
        int write = cs.intResult(1);
        Pipes.setSize(cs, write, size);
        int cap = Pipes.size(cs, write);
        return new RingPipe(src, file, dst, read, write, cap > 0 ? cap : 4096, listener);
    }

    /** The socket is closing: every pipe that names it stops (its descriptors go once the kernel is done). */
    void socketClosed() {
        for (int i = pipes.size() - 1; i >= 0; i--) {
            pipes.get(i).close();
        }
    }

    /**
     * One pipe from {@code src}'s socket (or from {@code file}: exactly one of the two) to
     * {@code dst}'s, and its rounds; a {@link Completion} of its own slot.
     */
    private static final class RingPipe implements Pipe, FilePipe, Completion {
        private final UringSplicer src;
        private final SendableFile file;
        private final UringSplicer dst;
        private final UringDriver driver;
        private final UringRing ring;
        private final int read;
        private final int write;
        private final int capacity;
        private final Listener listener;
        private final int slot;
        private final long pollTag;
        private final long inTag;
        private final long outTag;
        private final Task task = new Task(this::deliver, null);
        /** CQEs of the round in flight still to come; the sockets are held while it is above 0. */
        private int pending;
        private boolean pollDone;
        private boolean inDone;
        private int inRes;
        private int outRes;
        private boolean filling;
        private boolean closed;
        private boolean released;

        RingPipe(UringSplicer src, SendableFile file, UringSplicer dst, int read, int write, int capacity,
                Listener listener) {
            this.src = src;
            this.file = file;
            this.dst = dst;
            this.driver = dst.driver;
            this.ring = driver.ring;
            this.read = read;
            this.write = write;
            this.capacity = capacity;
            this.listener = listener;
            this.slot = driver.register(this);
            this.pollTag = driver.userData(slot, UringDriver.OP_SPLICE_POLL);
            this.inTag = driver.userData(slot, UringDriver.OP_SPLICE_IN);
            this.outTag = driver.userData(slot, UringDriver.OP_SPLICE_OUT);
        }

        @Override
        public int capacity() {
            return capacity;
        }

        @Override
        public void fill() {
            if (src == null) {
                throw new IllegalStateException("fill() on a file pipe: say where, fill(position, max)");
            }
            begin(3);
            filling = true;
            long at = driver.sqe();
            ring.prep(at, UringLayout.OP_POLL_ADD, src.fd, 0, 0, 0, pollTag);
            ring.sqePollEvents(at, UringLayout.POLLIN);
            ring.sqeFlags(at, UringLayout.IOSQE_IO_LINK);
            at = driver.sqe();
            ring.prepSplice(at, src.fd, write, capacity, FLAGS, inTag);
            ring.sqeFlags(at, UringLayout.IOSQE_IO_HARDLINK);
            at = driver.sqe();
            ring.prepSplice(at, read, dst.fd, capacity, FLAGS, outTag);
        }

        @Override
        public void fill(long position, int max) {
            if (file == null) {
                throw new IllegalStateException("fill(position, max) on a socket's pipe: fill()");
            }
            begin(2);
            filling = true;
            pollDone = true; // no poll in this round
            long at = driver.sqe();
            ring.prepSplice(at, file.descriptor(), position, write, Math.min(max, capacity), FLAGS, inTag);
            ring.sqeFlags(at, UringLayout.IOSQE_IO_HARDLINK);
            at = driver.sqe();
            ring.prepSplice(at, read, dst.fd, Math.min(max, capacity), FLAGS, outTag);
        }

        @Override
        public void drain(long max) {
            begin(2);
            filling = false;
            inDone = true;
            long at = driver.sqe();
            ring.prep(at, UringLayout.OP_POLL_ADD, dst.fd, 0, 0, 0, pollTag);
            ring.sqePollEvents(at, UringLayout.POLLOUT);
            ring.sqeFlags(at, UringLayout.IOSQE_IO_LINK);
            at = driver.sqe();
            ring.prepSplice(at, read, dst.fd, (int) Math.min(max, capacity), FLAGS, outTag);
        }

        /** A round of {@code sqes} linked SQEs: room for all of them in one submit, and both sockets held. */
        private void begin(int sqes) {
            if (closed || pending > 0) {
                throw new IllegalStateException(closed ? "splice round on a closed pipe" : "a splice round is in flight");
            }
            driver.reserve(sqes); // a chain split over two submits would not be linked
            pending = sqes;
            pollDone = false;
            inDone = false;
            inRes = -Errno.EAGAIN;
            outRes = -Errno.EAGAIN;
            if (src != null) {
                src.io.hold();
            }
            dst.io.hold();
        }

        @Override
        public void complete(int op, int res, int flags) {
            switch (op) {
                case UringDriver.OP_SPLICE_POLL -> pollDone = true;
                case UringDriver.OP_SPLICE_IN -> {
                    inDone = true;
                    inRes = res;
                }
                default -> outRes = res;
            }
            if (--pending > 0) {
                return;
            }
            if (src != null) {
                src.io.unhold();
            }
            dst.io.unhold();
            if (closed) {
                release();
            } else {
                driver.queue(task);
            }
        }

        /** The run phase after a round: what it moved, or the failure, to the listener. */
        private void deliver() {
            if (closed) {
                return;
            }
            if (failed(inRes)) {
                listener.failed(SysErrors.exception(src != null ? "splice from socket" : "splice from file " + file.path(),
                        -inRes), true);
                return;
            }
            if (failed(outRes)) {
                listener.failed(SysErrors.exception("splice to socket", -outRes), false);
                return;
            }
            long in = inRes > 0 ? inRes : filling && inRes == 0 ? -1 : 0;
            long out = Math.max(outRes, 0);
            listener.roundEnded(in, out);
        }

        /** A result that is an error of a socket, not "nothing now" or "cancelled". */
        private static boolean failed(int res) {
            return res < 0 && res != -Errno.EAGAIN && res != -Errno.EINTR && res != -UringLayout.ECANCELED;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (src != null) {
                src.pipes.remove(this);
            }
            dst.pipes.remove(this);
            if (pending == 0) {
                release();
                return;
            }
            // Cancelling the poll takes the chain's rest with it; a splice already in a worker
            // ends by itself soon (non-blocking), and cancelling it too makes that sooner.
            if (!pollDone) {
                driver.cancel(pollTag);
            }
            if (!inDone) {
                driver.cancel(inTag);
            }
            driver.cancel(outTag);
        }

        /** Every CQE is back: the descriptors (pages still in the pipe go with them) and the slot. */
        private void release() {
            if (released) {
                return;
            }
            released = true;
            CallState cs = driver.cs;
            Fd.close(cs, read); // never retried on EINTR (see Fd.close)
            Fd.close(cs, write);
            if (file != null) {
                file.close();
            }
            driver.release(slot);
        }

        @Override
        public String toString() {
            return "io_uring splice pipe " + read + "/" + write + " (" + capacity + " bytes)";
        }
    }
}
