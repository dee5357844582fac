package io.weft.testkit.sim;

import io.weft.internal.io.AcceptedSocket;
import io.weft.internal.io.ConnectIo;
import io.weft.internal.io.ConnectSink;
import io.weft.internal.io.DatagramIo;
import io.weft.internal.io.ListenIo;
import io.weft.internal.io.SocketFactory;
import io.weft.internal.io.SocketIo;
import io.weft.net.DatagramOptions;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The {@link SocketFactory} of a {@link SimDriver}: sockets on the simulated network. Loop thread only. */
final class SimSockets implements SocketFactory {
    private final SimDriver driver;

    SimSockets(SimDriver driver) {
        this.driver = driver;
    }

    @Override
    public ListenIo listen(SocketAddress address, ServerOptions options) throws IOException {
        return driver.network().listen(driver, address, options);
    }

    @Override
    public ConnectIo connect(SocketAddress remote, SocketAddress local, boolean noDelay, ConnectSink sink)
            throws IOException {
        if (remote instanceof java.net.UnixDomainSocketAddress path) {
            SimConnect c = new SimConnect(driver, sink);
            driver.register(c);
            driver.network().connectUnix(driver, path, c);
            return c;
        }
        if (!(remote instanceof InetSocketAddress isa) || isa.isUnresolved()) {
            throw new IOException("connect to " + remote + ": not an IP address or a Unix socket path"
                    + " (names are resolved before this)");
        }
        SimConnect c = new SimConnect(driver, sink);
        driver.register(c);
        driver.network().connect(driver, isa, c);
        return c;
    }

    @Override
    public SocketIo adopt(AcceptedSocket socket, boolean noDelay) {
        if (!(socket instanceof SimAccepted accepted)) {
            socket.close();
            throw new IllegalArgumentException("a socket accepted by another kind of backend (" + socket
                    + ") cannot be served on the simulated network; every loop must be under the simulation");
        }
        return new SimSocket(driver, accepted.take());
    }

    @Override
    public DatagramIo openDatagram(SocketAddress local, SocketAddress remote, DatagramOptions options,
            int receiveLimit) throws IOException {
        return driver.network().bind(driver, local, remote, receiveLimit);
    }
}
