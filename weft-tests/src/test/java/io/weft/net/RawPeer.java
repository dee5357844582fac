package io.weft.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * The other end of a connection as a plain blocking {@link Socket}, outside any loop. It reads
 * only when told, so a test can make a Weft transport's write buffer grow deterministically,
 * and it can reset the connection (SO_LINGER 0).
 */
final class RawPeer implements AutoCloseable {
    final Socket socket;

    private RawPeer(Socket socket) {
        this.socket = socket;
    }

    /** Connects (the kernel completes the handshake; no loop needs to run). */
    static RawPeer connect(InetSocketAddress address) throws IOException {
        return connect(address, 0);
    }

    /** Connects with a receive buffer of {@code receiveBuffer} bytes (0: the default). */
    static RawPeer connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // before connect, so the window is small from the start
        }
        s.connect(address, 5000);
        return new RawPeer(s);
    }

    int localPort() {
        return socket.getLocalPort();
    }

    void write(byte[] b) throws IOException {
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
    }

    /** Blocks until {@code n} bytes arrived. Only call when they are already on their way. */
    byte[] readExactly(int n) throws IOException {
        return socket.getInputStream().readNBytes(n);
    }

    /** Reads everything until EOF on a thread of its own. */
    CompletableFuture<byte[]> readToEof() {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("raw-peer-reader").start(() -> {
            try {
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                f.complete(out.toByteArray());
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Counts bytes until EOF or reset on a thread of its own; the count either way. */
    CompletableFuture<Long> countToEnd() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("raw-peer-counter").start(() -> {
            long n = 0;
            byte[] buf = new byte[64 * 1024];
            try {
                InputStream in = socket.getInputStream();
                for (int r; (r = in.read(buf)) >= 0; ) {
                    n += r;
                }
            } catch (IOException e) {
                // reset or closed under us: report what got through
            }
            f.complete(n);
        });
        return f;
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Closes with SO_LINGER 0: the kernel sends RST instead of FIN. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // test cleanup
        }
    }
}
