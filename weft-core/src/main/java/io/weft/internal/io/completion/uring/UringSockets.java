package io.weft.internal.io.completion.uring;

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

/**
 * The {@link SocketFactory} of a {@link UringDriver}: sockets are made, bound and set up with
 * plain system calls (none of that waits), and everything that waits goes through the ring.
 * Loop thread only.
 */
final class UringSockets implements SocketFactory {
    private final UringDriver driver;

    UringSockets(UringDriver driver) {
        this.driver = driver;
    }

    @Override
    public ListenIo listen(SocketAddress address, ServerOptions options) throws IOException {
        return UringListenIo.open(driver, address, options);
    }

    @Override
    public ConnectIo connect(SocketAddress remote, SocketAddress local, boolean noDelay, ConnectSink sink)
            throws IOException {
        return UringConnectIo.start(driver, remote, local, noDelay, sink);
    }

    @Override
    public SocketIo adopt(AcceptedSocket socket, boolean noDelay) throws IOException {
        if (!(socket instanceof UringAccepted accepted)) {
            socket.close();
            throw new IllegalArgumentException("a socket accepted by another kind of backend (" + socket
                    + ") cannot be served on io_uring; every loop of a group must use one backend");
        }
        int fd = accepted.take();
        if (fd < 0) {
            throw new IllegalStateException(socket + " was closed or adopted already");
        }
        if (!accepted.isUnix()) {
            CallState cs = driver.cs;
            int r = Sockets.setInt(cs, fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, noDelay ? 1 : 0);
            if (r < 0) {
                Fd.close(cs, fd);
                throw SysErrors.exception("setsockopt(TCP_NODELAY)", -r);
            }
        }
        return new UringSocketIo(driver, fd, accepted.isUnix());
    }

    @Override
    public DatagramIo openDatagram(SocketAddress local, SocketAddress remote, DatagramOptions options,
            int receiveLimit) throws IOException {
        return UringDatagramIo.open(driver, local, remote, options, receiveLimit);
    }
}
