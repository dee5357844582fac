package io.weft.internal.io.readiness.epoll;

import io.weft.internal.io.NativeSockets;
import io.weft.internal.io.ConnectIo;
import io.weft.internal.io.ConnectSink;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.SockAddr;
import io.weft.internal.sys.SocketConstants;
import io.weft.internal.sys.Sockets;
import io.weft.internal.sys.SysErrors;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * A non-blocking {@code connect} on a raw descriptor: {@code EINPROGRESS}, then writability, then
 * {@code SO_ERROR} says how it ended. Loop thread only.
 */
final class EpollConnectIo implements ConnectIo {
    private final EpollSockets sockets;
    private final int fd;
    private final boolean unix;
    private final SocketAddress remote;
    private final ConnectSink sink;
    private EpollDriver.Registration watch;
    private boolean done;

    private EpollConnectIo(EpollSockets sockets, int fd, boolean unix, SocketAddress remote, ConnectSink sink) {
        this.sockets = sockets;
        this.fd = fd;
        this.unix = unix;
        this.remote = remote;
        this.sink = sink;
    }

    static EpollConnectIo start(EpollSockets sockets, SocketAddress remote, SocketAddress local, boolean noDelay,
            ConnectSink sink) throws IOException {
        CallState cs = sockets.driver().callState();
        boolean unix = remote instanceof UnixDomainSocketAddress;
        int fd = NativeSockets.open(cs, NativeSockets.family(remote), SocketConstants.SOCK_STREAM);
        EpollConnectIo c = new EpollConnectIo(sockets, fd, unix, remote, sink);
        try {
            if (!unix) {
                NativeSockets.option(cs, fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, noDelay ? 1 : 0,
                        "TCP_NODELAY");
                if (local != null) {
                    int r = Sockets.bind(cs, fd, SockAddr.encode(local, cs.sockaddr()));
                    if (r < 0) {
                        throw SysErrors.exception("bind to " + local, -r);
                    }
                }
            }
            int r = Sockets.connect(cs, fd, SockAddr.encode(remote, cs.sockaddr()));
            if (r == 0) {
                c.connected();
            } else if (r == -Errno.EINPROGRESS || r == -Errno.EINTR) {
                // EINTR: connect(2) goes on asynchronously, as for EINPROGRESS.
                c.watch = sockets.driver().watch(fd, () -> { }, c::onConnectable, c::onConnectable);
                c.watch.arm(EpollDriver.WRITE);
            } else {
                c.failed(SysErrors.exception("connect to " + remote, -r));
            }
        } catch (IOException e) {
            c.failed(e);
        } catch (RuntimeException e) {
            c.release();
            throw e;
        }
        return c;
    }

    private void onConnectable() {
        if (done) {
            return;
        }
        int r = Sockets.soError(sockets.driver().callState(), fd);
        if (r == 0) {
            connected();
        } else {
            failed(SysErrors.exception("connect to " + remote, -r));
        }
    }

    private void connected() {
        done = true;
        unwatch();
        sink.onConnected(sockets.wrap(fd, unix));
    }

    private void failed(IOException e) {
        done = true;
        release();
        sink.onConnectFailed(e);
    }

    private void unwatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    private void release() {
        unwatch();
        Fd.close(sockets.driver().callState(), fd);
    }

    @Override
    public void cancel() {
        if (!done) {
            done = true;
            release();
        }
    }
}
