package io.weft.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The far end of a streaming benchmark: one platform thread on a blocking socket, the same for
 * every implementation under test, so that a write-path benchmark measures the writer and a
 * read-path benchmark the reader. It listens on 127.0.0.1, accepts one connection (TCP_NODELAY
 * on), and then either drains it, counting into {@link #counter}, or sends on it without pause
 * in chunks of a given size until closed.
 *
 * <p>Its thread is named {@value LoopCpuMeter#PEER_MARK}-..., so that {@link LoopCpuMeter}
 * reports its CPU time apart. Threading: create, {@link #address()}, {@link #close()} from the
 * benchmark thread.
 */
final class BlockingPeer implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final Thread thread;
    private final ByteCounter counter = new ByteCounter();
    private volatile SocketChannel connection;
    private volatile boolean closing;
    private volatile Throwable failure;

    private BlockingPeer(int sendChunk) throws IOException {
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        String role = sendChunk > 0 ? "send" : "drain";
        thread = Thread.ofPlatform().name(LoopCpuMeter.PEER_MARK + "-" + role).daemon().start(() -> run(sendChunk));
    }

    /** A peer that reads and counts everything sent to it. */
    static BlockingPeer drainer() throws IOException {
        return new BlockingPeer(0);
    }

    /** A peer that sends {@code chunk}-byte writes as fast as the connection takes them. */
    static BlockingPeer sender(int chunk) throws IOException {
        return new BlockingPeer(chunk);
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.getLocalAddress();
    }

    /** What a drainer received; unused by a sender. */
    ByteCounter counter() {
        return counter;
    }

    private void run(int sendChunk) {
        try (SocketChannel ch = listener.accept()) {
            connection = ch;
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (sendChunk > 0) {
                send(ch, sendChunk);
            } else {
                drain(ch);
            }
        } catch (IOException e) {
            // Closing the socket under a blocked read or write is how a run ends; anything
            // else is a failure the tear-down reports.
            if (!closing) {
                failure = e;
            }
        }
    }

    private void drain(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        while (true) {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                return;
            }
            counter.count(n);
        }
    }

    private static void send(SocketChannel ch, int chunk) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
        while (true) {
            buf.clear();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    /** Closes the listener and the connection, which ends the thread. */
    @Override
    public void close() throws IOException {
        closing = true;
        listener.close();
        SocketChannel ch = connection;
        if (ch != null) {
            ch.close();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Peers.check(!thread.isAlive(), "the blocking peer's thread did not end");
        if (failure != null) {
            throw new IOException("the blocking peer failed", failure);
        }
    }
}
