package io.weft.internal.io.readiness.nio;

import io.weft.internal.io.ListenIo;
import io.weft.internal.io.UnixSocketFile;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A listening {@link ServerSocketChannel}: accepts a batch per readiness event. Loop thread only. */
final class NioListenIo implements ListenIo {
    private final NioDriver driver;
    private final ServerSocketChannel channel;
    private final boolean unix;
    /** The file of a Unix-domain listener, removed on close; null for TCP. */
    private UnixSocketFile socketFile;
    private NioDriver.Registration watch;
    private AcceptSink sink;
    private boolean accepting;
    private boolean closed;

    private NioListenIo(NioDriver driver, ServerSocketChannel channel, boolean unix) {
        this.driver = driver;
        this.channel = channel;
        this.unix = unix;
    }

    static NioListenIo open(NioDriver driver, SocketAddress address, io.weft.net.ServerOptions options)
            throws IOException {
        boolean unix = address instanceof UnixDomainSocketAddress;
        ServerSocketChannel ch = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX) : ServerSocketChannel.open();
        NioListenIo l = new NioListenIo(driver, ch, unix);
        try {
            if (!unix) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
                if (options.reusePort()) {
                    if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                        throw new IOException("SO_REUSEPORT is not supported on this platform");
                    }
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                ch.bind(address, options.backlog());
            } else {
                l.socketFile = UnixSocketFile.bind(ch, (UnixDomainSocketAddress) address, options.backlog());
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

    @Override
    public void start(AcceptSink sink) {
        this.sink = sink;
        this.watch = driver.watch(channel, this::onAcceptable, () -> { });
    }

    @Override
    public void setAccepting(boolean on) {
        accepting = on;
        if (watch != null && !closed) {
            watch.arm(on ? NioDriver.READ : 0);
        }
    }

    private void onAcceptable() {
        for (int i = 0; i < ACCEPT_BATCH && accepting && !closed; i++) {
            SocketChannel c;
            try {
                c = channel.accept();
            } catch (IOException e) {
                sink.onAcceptError(e);
                return;
            }
            if (c == null) {
                return;
            }
            sink.onAccepted(new NioAccepted(c, unix));
        }
    }

    @Override
    public SocketAddress localAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return null; // closed: no longer an address we listen on
        }
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
        try {
            channel.close();
        } catch (IOException ignored) {
            // releasing the descriptor
        }
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
        return "listener " + localAddress();
    }
}
