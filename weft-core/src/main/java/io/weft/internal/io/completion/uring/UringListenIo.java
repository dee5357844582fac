package io.weft.internal.io.completion.uring;

import io.weft.internal.io.NativeSockets;
import io.weft.internal.dispatch.Task;
import io.weft.internal.io.ListenIo;
import io.weft.internal.io.UnixSocketFile;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.SocketConstants;
import io.weft.internal.sys.Sockets;
import io.weft.internal.sys.SysErrors;
import io.weft.internal.sys.UringLayout;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayDeque;

/**
 * A listening socket with a multishot {@code ACCEPT} kept in the kernel while the server accepts:
 * each CQE is a new connection's descriptor (made {@code SOCK_NONBLOCK | SOCK_CLOEXEC}); a CQE
 * without IORING_CQE_F_MORE means the kernel ended the multishot, and it is armed again at the end
 * of the turn. Turning accepting off cancels it; connections that completed before the cancel
 * took effect are kept, in order, and handed over when accepting resumes. The sink hears of
 * connections from this listener's task in the run phase. Loop thread only.
 */
final class UringListenIo implements ListenIo, Completion {
    private final UringDriver driver;
    private final int fd;
    private final boolean unix;
    private final int slot;
    private final long acceptTag;
    private UnixSocketFile socketFile;
    private SocketAddress local;
    private AcceptSink sink;
    private boolean accepting;
    private boolean armed;
    private boolean cancelRequested;
    private boolean rearmQueued;
    private boolean closed;
    private boolean released;
    /** Descriptors accepted and not yet handed to the sink. */
    private final ArrayDeque<Integer> accepted = new ArrayDeque<>();
    private IOException error;
    private final Task task = new Task(this::deliver, null);
    private boolean taskQueued;

    private UringListenIo(UringDriver driver, int fd, boolean unix) {
        this.driver = driver;
        this.fd = fd;
        this.unix = unix;
        this.slot = driver.register(this);
        this.acceptTag = driver.userData(slot, UringDriver.OP_ACCEPT);
    }

    static UringListenIo open(UringDriver driver, SocketAddress address, ServerOptions options) throws IOException {
        CallState cs = driver.cs;
        boolean unix = address instanceof UnixDomainSocketAddress;
        int fd = NativeSockets.open(cs, NativeSockets.family(address), SocketConstants.SOCK_STREAM);
        UringListenIo l = new UringListenIo(driver, fd, unix);
        try {
            NativeSockets.Listening listening = NativeSockets.listen(cs, fd, address, options);
            l.local = listening.local();
            l.socketFile = listening.socketFile();
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    @Override
    public void start(AcceptSink sink) {
        this.sink = sink;
    }

    @Override
    public void setAccepting(boolean on) {
        if (closed || accepting == on) {
            return;
        }
        accepting = on;
        if (on) {
            if (!accepted.isEmpty() || error != null) {
                queueTask();
            }
            if (!armed) {
                arm();
            }
        } else if (armed && !cancelRequested) {
            cancelRequested = true;
            driver.cancel(acceptTag);
        }
    }

    private void arm() {
        long at = driver.sqe();
        driver.ring.prep(at, UringLayout.OP_ACCEPT, fd, 0, 0, 0, acceptTag);
        driver.ring.sqeIoprio(at, UringLayout.ACCEPT_MULTISHOT);
        driver.ring.sqeOpFlags(at, SocketConstants.SOCK_NONBLOCK | SocketConstants.SOCK_CLOEXEC);
        armed = true;
    }

    private void rearm() {
        rearmQueued = false;
        if (!closed && accepting && !armed) {
            arm();
        }
    }

    @Override
    public void complete(int op, int res, int flags) {
        boolean more = (flags & UringLayout.CQE_F_MORE) != 0;
        if (!more) {
            armed = false;
            cancelRequested = false;
        }
        if (res >= 0) {
            if (closed) {
                Fd.close(driver.cs, res);
            } else {
                accepted.add(res);
                queueTask();
            }
        } else if (!closed && res != -UringLayout.ECANCELED && res != -Errno.ECONNABORTED && res != -Errno.EINTR
                && res != -Errno.EAGAIN) {
            error = SysErrors.exception("accept4 on " + local, -res);
            queueTask();
        }
        if (!more) {
            if (closed) {
                release();
            } else if (!rearmQueued) {
                rearmQueued = true;
                driver.rearmAtEndOfTurn(this::rearm);
            }
        }
    }

    private void queueTask() {
        if (!taskQueued) {
            taskQueued = true;
            driver.queue(task);
        }
    }

    private void deliver() {
        taskQueued = false;
        while (accepting && !closed && !accepted.isEmpty()) {
            sink.onAccepted(new UringAccepted(accepted.poll(), unix));
        }
        IOException e = error;
        if (e != null && accepting && !closed) {
            error = null;
            sink.onAcceptError(e);
        }
    }

    @Override
    public SocketAddress localAddress() {
        return closed ? null : local;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Integer c : accepted) {
            Fd.close(driver.cs, c);
        }
        accepted.clear();
        if (armed) {
            // Shut down at once, so the port is free now, not when the cancel's CQE arrives
            // (the pending accept holds the socket open until then).
            Sockets.shutdown(driver.cs, fd, SocketConstants.SHUT_RDWR);
            if (!cancelRequested) {
                cancelRequested = true;
                driver.cancel(acceptTag);
            }
        } else {
            release();
        }
        if (socketFile != null) {
            try {
                socketFile.remove();
            } catch (IOException e) {
                driver.report("removing Unix socket file " + socketFile.path(), e);
            }
        }
    }

    /** No accept in the kernel any more: the descriptor and the slot go. */
    private void release() {
        if (!released) {
            released = true;
            Fd.close(driver.cs, fd);
            driver.release(slot);
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
    public String toString() {
        return "io_uring listener " + local;
    }
}
