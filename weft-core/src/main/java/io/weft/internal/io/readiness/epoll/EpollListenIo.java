package io.weft.internal.io.readiness.epoll;

import io.weft.internal.io.NativeSockets;
import io.weft.internal.io.ListenIo;
import io.weft.internal.io.UnixSocketFile;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.SockAddr;
import io.weft.internal.sys.SocketConstants;
import io.weft.internal.sys.Sockets;
import io.weft.internal.sys.SysErrors;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.BindException;
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
            if (!unix) {
                NativeSockets.option(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR,
                        options.reuseAddress() ? 1 : 0, "SO_REUSEADDR");
                if (options.reusePort()) {
                    NativeSockets.option(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEPORT, 1, "SO_REUSEPORT");
                }
                l.bindAndListen(cs, address, options.backlog());
            } else {
                UnixDomainSocketAddress ua = (UnixDomainSocketAddress) address;
                l.socketFile = UnixSocketFile.bind(ua, () -> {
                    l.bindAndListen(cs, ua, options.backlog());
                    return ((UnixDomainSocketAddress) l.local).getPath();
                });
            }
        } catch (BindException e) {
            l.close();
            BindException typed = new BindException("cannot listen on " + address + ": " + e.getMessage());
            typed.initCause(e);
            throw typed;
        } catch (IOException e) {
            l.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    private void bindAndListen(CallState cs, SocketAddress address, int backlog) throws IOException {
        int r = Sockets.bind(cs, fd, SockAddr.encode(address, cs.sockaddr()));
        if (r < 0) {
            throw SysErrors.exception("bind", -r);
        }
        r = Sockets.listen(cs, fd, backlog);
        if (r < 0) {
            throw SysErrors.exception("listen", -r);
        }
        r = Sockets.getsockname(cs, fd);
        if (r < 0) {
            throw SysErrors.exception("getsockname", -r);
        }
        local = SockAddr.decode(cs.sockaddr(), cs.sockaddrLength());
        if (unix && ((UnixDomainSocketAddress) local).getPath().toString().isEmpty()) {
            local = address; // the kernel reports a path it was given relative as written
        }
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
