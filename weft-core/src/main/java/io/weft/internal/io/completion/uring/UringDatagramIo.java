package io.weft.internal.io.completion.uring;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.DatagramIo;
import io.weft.internal.io.NativeSockets;
import io.weft.internal.io.DatagramQueue;
import io.weft.internal.io.DatagramSink;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.Io;
import io.weft.internal.sys.IoVec;
import io.weft.internal.sys.MsgHdr;
import io.weft.internal.sys.SockAddr;
import io.weft.internal.sys.SysErrors;
import io.weft.internal.sys.UringLayout;
import io.weft.net.DatagramOptions;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * {@link DatagramIo} on the ring: one {@code RECVMSG} at a time into this endpoint's own receive
 * buffer while it reads, and one {@code SENDMSG} at a time of the queue's head, which stays in the
 * queue until its CQE ({@link DatagramQueue}). {@link #sendNow} is a plain non-blocking
 * {@code sendto}, as on the readiness backends; only what it cannot send goes through the ring.
 *
 * <p>A datagram that completes while the endpoint is paused is held (it sits in the receive
 * buffer) and delivered when reading resumes; the next receive is armed only after delivery, so
 * at most one datagram waits. ICMP errors (a connected socket's pending ECONNREFUSED) come back
 * from whichever operation runs next: from a receive they are reported and the receive armed
 * again; from a send they are reported as an earlier datagram's and the same datagram tried once
 * more, as {@link DatagramIo} says.
 *
 * <p>Memory: the headers, addresses and both buffers are in this endpoint's own arena, which the
 * kernel reads and writes under the operations in flight; it is closed only after both
 * operations' CQEs are back. Loop thread only.
 */
final class UringDatagramIo implements DatagramIo, Completion {
    private static final int MAX_DATAGRAM = 64 * 1024;

    private final UringDriver driver;
    private final int fd;
    private final boolean v6;
    private final int receiveLimit;
    private final SocketAddress local;
    private final SocketAddress remote;
    private final int slot;
    private final long recvTag;
    private final long sendTag;
    /** Owned by this endpoint until every operation's CQE is back, then closed. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment recvBuf;
    private final MemorySegment recvHdr;
    private final MemorySegment recvIov;
    private final MemorySegment recvName;
    private final MemorySegment sendBuf;
    private final MemorySegment sendHdr;
    private final MemorySegment sendIov;
    private final MemorySegment sendName;
    private DatagramSink sink;
    private DatagramQueue queue;
    private boolean reading;
    private boolean closed;
    private boolean released;
    private int inflight;
    private boolean recvArmed;
    private boolean sendArmed;
    /** A receive's result waiting for the task (a length, or -errno), or Integer.MIN_VALUE. */
    private int received = Integer.MIN_VALUE;
    private int sendResult = Integer.MIN_VALUE;
    private boolean retried;
    private SocketAddress sendingTo;
    private final Task task = new Task(this::run, null);
    private boolean taskQueued;

    private UringDatagramIo(UringDriver driver, int fd, boolean v6, int receiveLimit, SocketAddress local,
            SocketAddress remote) {
        this.driver = driver;
        this.fd = fd;
        this.v6 = v6;
        this.receiveLimit = Math.min(receiveLimit, MAX_DATAGRAM);
        this.local = local;
        this.remote = remote;
        this.recvBuf = arena.allocate(this.receiveLimit, 8);
        this.recvHdr = arena.allocate(MsgHdr.SIZE, 8);
        this.recvIov = arena.allocate(IoVec.SIZE, 8);
        this.recvName = arena.allocate(AddressSlots.SIZE, 8);
        this.sendBuf = arena.allocate(MAX_DATAGRAM, 8);
        this.sendHdr = arena.allocate(MsgHdr.SIZE, 8);
        this.sendIov = arena.allocate(IoVec.SIZE, 8);
        this.sendName = arena.allocate(AddressSlots.SIZE, 8);
        this.slot = driver.register(this);
        this.recvTag = driver.userData(slot, UringDriver.OP_RECVMSG);
        this.sendTag = driver.userData(slot, UringDriver.OP_SENDMSG);
    }

    /** As the epoll backend: bound to {@code local} or a free port, connected to {@code remote} if given. */
    static UringDatagramIo open(UringDriver driver, SocketAddress local, SocketAddress remote, DatagramOptions options,
            int receiveLimit) throws IOException {
        NativeSockets.Datagram d = NativeSockets.openDatagram(driver.cs, local, remote, options);
        try {
            return new UringDatagramIo(driver, d.fd(), d.v6(), receiveLimit, d.bound(), remote);
        } catch (RuntimeException e) {
            Fd.close(driver.cs, d.fd()); // clean up first, then throw
            throw e;
        }
    }

    @Override
    public void start(DatagramSink sink) {
        this.sink = sink;
    }

    @Override
    public void setReading(boolean on) {
        if (closed || reading == on) {
            return;
        }
        reading = on;
        if (on) {
            if (received != Integer.MIN_VALUE) {
                queueTask();
            } else if (!recvArmed) {
                armRecv();
            }
        }
        // Pausing cancels nothing: at most the one receive in flight completes, and is held.
    }

    private void armRecv() {
        IoVec.setRaw(recvIov, 0, recvBuf.address(), receiveLimit);
        MsgHdr.set(recvHdr, recvName, AddressSlots.SIZE, recvIov, 1);
        long at = driver.sqe();
        driver.ring.prep(at, UringLayout.OP_RECVMSG, fd, recvHdr.address(), 1, 0, recvTag);
        recvArmed = true;
        inflight++;
    }

    /**
     * A plain non-blocking {@code sendto} from this endpoint's send buffer, as the readiness
     * backends do: a datagram is one system call either way, and sending at once keeps the order
     * of a send and the ICMP error it may draw the same as there. Only called while nothing is
     * queued, so no {@code SENDMSG} is using the buffer.
     */
    @Override
    public boolean sendNow(ByteBuffer datagram, SocketAddress to) throws IOException {
        if (closed || sendArmed) {
            return false;
        }
        CallState cs = driver.cs;
        SocketAddress dest = to == null ? remote : to;
        int addrLength = 0;
        if (to != null) {
            try {
                addrLength = SockAddr.encode(to, cs.sockaddr(), v6);
            } catch (IllegalArgumentException e) {
                throw new IOException("send to " + to + ": " + e.getMessage() + " (socket bound to " + local + ")", e);
            }
        }
        int len = datagram.remaining();
        if (len > MAX_DATAGRAM) {
            throw SysErrors.exception("sendto " + dest, Errno.EMSGSIZE);
        }
        MemorySegment.copy(MemorySegment.ofBuffer(datagram), 0, sendBuf, 0, len);
        long n = to == null ? Io.send(cs, fd, sendBuf, len, 0) : Io.sendto(cs, fd, sendBuf, len, 0, addrLength);
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
            return false;
        }
        if (n < 0) {
            throw SysErrors.exception("sendto " + dest, (int) -n);
        }
        datagram.position(datagram.limit());
        return true;
    }

    @Override
    public void flush(DatagramQueue queue) {
        this.queue = queue;
        if (!closed && !sendArmed && sendResult == Integer.MIN_VALUE) {
            submitHead();
        }
    }

    /** Sends the queue's head; drops (and reports) heads that cannot even be addressed. */
    private void submitHead() {
        while (!queue.isEmpty()) {
            DatagramQueue.Datagram d = queue.peek();
            ByteBuffer data = d.data();
            int len = data.remaining();
            SocketAddress to = d.to();
            int nameLength = 0;
            try {
                if (len > MAX_DATAGRAM) {
                    throw SysErrors.exception("sendmsg to " + (to == null ? remote : to), Errno.EMSGSIZE);
                }
                if (to != null) {
                    try {
                        nameLength = SockAddr.encode(to, sendName, v6);
                    } catch (IllegalArgumentException e) {
                        throw new IOException("send to " + to + ": " + e.getMessage() + " (socket bound to " + local + ")",
                                e);
                    }
                }
            } catch (IOException e) {
                queue.remove();
                sink.onSendError(e);
                if (closed) {
                    return;
                }
                continue;
            }
            MemorySegment.copy(MemorySegment.ofBuffer(data), 0, sendBuf, 0, len);
            IoVec.setRaw(sendIov, 0, sendBuf.address(), len);
            MsgHdr.set(sendHdr, to == null ? MemorySegment.NULL : sendName, nameLength, sendIov, 1);
            sendingTo = to == null ? remote : to;
            long at = driver.sqe();
            driver.ring.prep(at, UringLayout.OP_SENDMSG, fd, sendHdr.address(), 1, 0, sendTag);
            sendArmed = true;
            inflight++;
            return;
        }
    }

    @Override
    public void complete(int op, int res, int flags) {
        inflight--;
        if (op == UringDriver.OP_RECVMSG) {
            recvArmed = false;
            if (!closed && res != -UringLayout.ECANCELED) {
                received = res;
                queueTask();
            }
        } else {
            sendArmed = false;
            if (!closed) {
                sendResult = res;
                queueTask();
            }
        }
        if (closed) {
            maybeRelease();
        }
    }

    private void queueTask() {
        if (!taskQueued) {
            taskQueued = true;
            driver.queue(task);
        }
    }

    private void run() {
        taskQueued = false;
        if (closed) {
            return;
        }
        if (received != Integer.MIN_VALUE && reading) {
            int res = received;
            received = Integer.MIN_VALUE;
            if (res >= 0) {
                SocketAddress from = remote != null ? remote : SockAddr.decode(recvName, MsgHdr.nameLength(recvHdr));
                ByteBuffer b = recvBuf.asSlice(0, res).asByteBuffer();
                sink.onDatagram(b, from);
            } else {
                sink.onError(SysErrors.exception("recvmsg" + (remote != null ? " " + remote : ""), -res));
            }
            if (!closed && reading && !recvArmed) {
                armRecv();
            }
        }
        if (closed || sendResult == Integer.MIN_VALUE) {
            return;
        }
        int res = sendResult;
        sendResult = Integer.MIN_VALUE;
        if (res >= 0) {
            retried = false;
            queue.remove();
        } else if (res == -Errno.ECONNREFUSED && !retried) {
            retried = true; // an earlier datagram's ICMP error: report it and try this one once more
            sink.onError(SysErrors.exception("sendmsg to " + sendingTo, -res));
        } else if (res == -Errno.EINTR || res == -Errno.EAGAIN) {
            // try again
        } else {
            retried = false;
            queue.remove();
            sink.onSendError(SysErrors.exception("sendmsg to " + sendingTo, -res));
        }
        if (closed) {
            return;
        }
        if (!queue.isEmpty()) {
            submitHead();
        }
        if (!closed) {
            sink.onFlushed();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (recvArmed) {
            driver.cancel(recvTag);
        }
        if (sendArmed) {
            driver.cancel(sendTag);
        }
        maybeRelease();
    }

    private void maybeRelease() {
        if (closed && inflight == 0 && !released) {
            released = true;
            Fd.close(driver.cs, fd);
            driver.release(slot);
            arena.close();
        }
    }

    @Override
    public void ringGone() {
        if (!released) {
            released = true;
            Fd.close(driver.cs, fd);
        }
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String toString() {
        return "io_uring datagram fd " + fd;
    }
}
