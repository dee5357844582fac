package io.weft.internal.io.readiness.epoll;

import io.weft.internal.io.NativeSockets;
import io.weft.internal.io.ListenIo;
import io.weft.internal.io.UnixSocketFile;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.SocketConstants;
import io.weft.internal.sys.Sockets;
import io.weft.internal.sys.SysErrors;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** A listening socket on a raw descriptor: accepts a batch per readiness event. Loop thread only. */
final class EpollListenIo implements ListenIo {
    private final EpollDriver driver;
    private final int fd;
    private final boolean unix;
    private UnixSocketFile socketFile;
    private SocketAddress local;
    private EpollDriver.Registration watch;
    private AcceptSink sink;
    private boolean accepting;
    private boolean closed;

    private EpollListenIo(EpollDriver driver, int fd, boolean unix) {
        this.driver = driver;
        this.fd = fd;
        this.unix = unix;
    }

    static EpollListenIo open(EpollDriver driver, SocketAddress address, ServerOptions options) throws IOException {
        CallState cs = driver.callState();
        boolean unix = address instanceof UnixDomainSocketAddress;
        int fd = NativeSockets.open(cs, NativeSockets.family(address), SocketConstants.SOCK_STREAM);
        EpollListenIo l = new EpollListenIo(driver, fd, unix);
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
        this.watch = driver.watch(fd, this::onAcceptable, () -> { }, null);
    }

    @Override
    public void setAccepting(boolean on) {
        accepting = on;
        if (watch != null && !closed) {
            watch.arm(on ? EpollDriver.READ : 0);
        }
    }

    private void onAcceptable() {
        CallState cs = driver.callState();
        for (int i = 0; i < ACCEPT_BATCH && accepting && !closed; i++) {
            int c = Sockets.accept(cs, fd);
            if (c == -Errno.EAGAIN) {
                return;
            }
            if (c == -Errno.ECONNABORTED || c == -Errno.EINTR) {
                continue; // reset while queued, or a signal: take the next
            }
            if (c < 0) {
                // EMFILE/ENFILE carry libc's "Too many open files", which Errors.isOutOfFiles knows.
                sink.onAcceptError(SysErrors.exception("accept4 on " + local, -c));
                return;
            }
            sink.onAccepted(new EpollAccepted(c, unix));
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
        if (watch != null) {
            watch.close();
        }
        Fd.close(driver.callState(), fd);
        if (socketFile != null) {
            try {
                socketFile.remove(); // the socket file outlives the socket
            } catch (IOException e) {
                driver.report("removing Unix socket file " + socketFile.path(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "listener " + local;
    }
}
