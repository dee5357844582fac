package io.weft.internal.io.readiness.nio;

import io.weft.internal.io.ConnectIo;
import io.weft.internal.io.ConnectSink;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking connect on a JDK {@link SocketChannel}: waits for writability, then
 * {@link SocketChannel#finishConnect()}. Loop thread only.
 */
final class NioConnectIo implements ConnectIo {
    private final NioSockets sockets;
    private final SocketChannel channel;
    private final ConnectSink sink;
    private NioDriver.Registration watch;
    private boolean done;

    private NioConnectIo(NioSockets sockets, SocketChannel channel, ConnectSink sink) {
        this.sockets = sockets;
        this.channel = channel;
        this.sink = sink;
    }

    static NioConnectIo start(NioSockets sockets, SocketAddress remote, SocketAddress local, boolean noDelay,
            ConnectSink sink) throws IOException {
        SocketChannel ch = remote instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open(((InetSocketAddress) remote).getAddress() instanceof Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        NioConnectIo c = new NioConnectIo(sockets, ch, sink);
        try {
            ch.configureBlocking(false);
            if (remote instanceof InetSocketAddress) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, noDelay);
                if (local != null) {
                    ch.bind(local);
                }
            }
            if (ch.connect(remote)) {
                c.connected();
                return c;
            }
            c.watch = sockets.driver().watch(ch, () -> { }, c::onConnectable);
            c.watch.arm(NioDriver.WRITE);
        } catch (IOException e) {
            c.failed(e);
        }
        return c;
    }

    private void onConnectable() {
        if (done) {
            return;
        }
        try {
            if (channel.finishConnect()) {
                connected();
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    private void connected() {
        done = true;
        unwatch();
        sink.onConnected(sockets.wrap(channel));
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
        try {
            channel.close();
        } catch (IOException ignored) {
            // releasing a failed or abandoned attempt
        }
    }

    @Override
    public void cancel() {
        if (!done) {
            done = true;
            release();
        }
    }
}
