package io.weft.internal.io.readiness.epoll;

import io.weft.internal.io.AcceptedSocket;
import io.weft.internal.io.ConnectIo;
import io.weft.internal.io.ConnectSink;
import io.weft.internal.io.DatagramIo;
import io.weft.internal.io.ListenIo;
import io.weft.internal.io.SocketFactory;
import io.weft.internal.io.SocketIo;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.SocketConstants;
import io.weft.internal.sys.Sockets;
import io.weft.internal.sys.SysErrors;
import io.weft.net.DatagramOptions;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** The {@link SocketFactory} of an {@link EpollDriver}: raw non-blocking descriptors. Loop thread only. */
final class EpollSockets implements SocketFactory {
    private final EpollDriver driver;
    private final ByteBuffer readBuffer;

    EpollSockets(EpollDriver driver, ByteBuffer readBuffer) {
        this.driver = driver;
        this.readBuffer = readBuffer;
    }

    @Override
    public ListenIo listen(SocketAddress address, ServerOptions options) throws IOException {
        return EpollListenIo.open(driver, address, options);
    }

    @Override
    public ConnectIo connect(SocketAddress remote, SocketAddress local, boolean noDelay, ConnectSink sink)
            throws IOException {
        return EpollConnectIo.start(this, remote, local, noDelay, sink);
    }

    @Override
    public SocketIo adopt(AcceptedSocket socket, boolean noDelay) throws IOException {
        if (!(socket instanceof EpollAccepted accepted)) {
            socket.close();
            throw new IllegalArgumentException("a socket accepted by another kind of backend (" + socket
                    + ") cannot be served on epoll; every loop of a group must use one backend");
        }
        int fd = accepted.take();
        if (fd < 0) {
            throw new IllegalStateException(socket + " was closed or adopted already");
        }
        if (!accepted.isUnix()) {
            CallState cs = driver.callState();
            int r = Sockets.setInt(cs, fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, noDelay ? 1 : 0);
            if (r < 0) {
                Fd.close(cs, fd);
                throw SysErrors.exception("setsockopt(TCP_NODELAY)", -r);
            }
        }
        return wrap(fd, accepted.isUnix());
    }

    SocketIo wrap(int fd, boolean unix) {
        return new EpollSocketIo(driver, readBuffer, fd, unix);
    }

    EpollDriver driver() {
        return driver;
    }

    @Override
    public DatagramIo openDatagram(SocketAddress local, SocketAddress remote, DatagramOptions options,
            int receiveLimit) throws IOException {
        return EpollDatagramIo.open(driver, readBuffer, local, remote, options, receiveLimit);
    }
}
