package io.weft.internal.io.readiness.nio;

import io.weft.internal.io.AcceptedSocket;
import io.weft.internal.io.ConnectIo;
import io.weft.internal.io.ConnectSink;
import io.weft.internal.io.DatagramIo;
import io.weft.internal.io.DriverContext;
import io.weft.internal.io.ListenIo;
import io.weft.internal.io.SocketFactory;
import io.weft.internal.io.SocketIo;
import io.weft.net.DatagramOptions;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;

/** The {@link SocketFactory} of a {@link NioDriver}: JDK channels, registered with its selector. */
final class NioSockets implements SocketFactory {
    private final NioDriver driver;
    private final ByteBuffer readBuffer;

    NioSockets(NioDriver driver, DriverContext context) {
        this.driver = driver;
        this.readBuffer = context.readBuffer();
    }

    @Override
    public ListenIo listen(SocketAddress address, ServerOptions options) throws IOException {
        return NioListenIo.open(driver, address, options);
    }

    @Override
    public ConnectIo connect(SocketAddress remote, SocketAddress local, boolean noDelay, ConnectSink sink)
            throws IOException {
        return NioConnectIo.start(this, remote, local, noDelay, sink);
    }

    @Override
    public SocketIo adopt(AcceptedSocket socket, boolean noDelay) throws IOException {
        if (!(socket instanceof NioAccepted accepted)) {
            socket.close();
            throw new IllegalArgumentException("a socket accepted by another kind of backend (" + socket
                    + ") cannot be served on " + driver.name() + "; every loop of a group must use one backend");
        }
        SocketChannel c = accepted.channel();
        try {
            c.configureBlocking(false);
            if (!accepted.isUnix()) {
                c.setOption(StandardSocketOptions.TCP_NODELAY, noDelay);
            }
        } catch (IOException | RuntimeException e) {
            accepted.close();
            throw e;
        }
        return wrap(c);
    }

    SocketIo wrap(SocketChannel connected) {
        return new NioSocketIo(driver, readBuffer, connected);
    }

    NioDriver driver() {
        return driver;
    }

    @Override
    public DatagramIo openDatagram(SocketAddress local, SocketAddress remote, DatagramOptions options,
            int receiveLimit) throws IOException {
        DatagramChannel ch = NioDatagramIo.open(local, remote, options);
        return new NioDatagramIo(driver, readBuffer, ch, receiveLimit);
    }
}
