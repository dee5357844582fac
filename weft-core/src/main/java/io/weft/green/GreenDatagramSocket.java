package io.weft.green;

import io.weft.internal.green.GreenThread;
import io.weft.net.DatagramOptions;
import io.weft.net.DatagramProtocol;
import io.weft.net.DatagramTransport;
import io.weft.net.Net;
import io.weft.stream.ConnectionClosedException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A UDP socket for green threads: {@link #receive()} parks until a datagram (or an error for
 * this socket) arrives; sends park only while the socket's queued output is above its
 * high-water mark.
 *
 * <p>Datagrams that arrive while nobody is in {@link #receive()} wait here, at most
 * {@link #QUEUE_LIMIT} of them; beyond that the socket stops reading, and the kernel's receive
 * buffer, then the kernel itself, drop what comes (UDP may drop any datagram). Errors the
 * endpoint reports ({@link java.net.PortUnreachableException} on a connected socket,
 * {@link io.weft.net.DatagramTooLargeException}) are thrown by the {@code receive()} whose turn
 * they take, in arrival order, as a blocking JDK socket would. Use it only in green threads of
 * the loop it lives on.
 */
public final class GreenDatagramSocket implements AutoCloseable {
    /** Datagrams held for {@link #receive()} before the socket stops reading. */
    public static final int QUEUE_LIMIT = 1024;

    /** One datagram: its bytes (the caller's to keep) and who sent it. */
    public record Datagram(byte[] data, SocketAddress from) {
    }

    private final ArrayDeque<Object> arrived = new ArrayDeque<>();
    private DatagramTransport transport;
    private GreenThread receiver;
    private GreenThread sender;
    private boolean writingPaused;
    private boolean closed;

    private GreenDatagramSocket() {
    }

    /** A socket bound to {@code local} (port 0 for any), not connected. */
    public static GreenDatagramSocket bind(SocketAddress local) throws IOException {
        return open(local, null, DatagramOptions.defaults());
    }

    /**
     * A socket bound to {@code local} (null: any) and, if {@code remote} is given, connected to
     * it: then only its datagrams arrive, and ICMP errors are reported.
     */
    public static GreenDatagramSocket open(SocketAddress local, SocketAddress remote, DatagramOptions options)
            throws IOException {
        GreenDatagramSocket s = new GreenDatagramSocket();
        GreenSocket.await(Net.createDatagramEndpoint(Green.loop(), () -> s.new Endpoint(), local, remote, options));
        return s;
    }

    /** Parks until a datagram arrives, and returns it; throws an error reported before it. */
    public Datagram receive() throws IOException {
        GreenThread me = GreenThread.require("GreenDatagramSocket.receive");
        receiver = me;
        try {
            while (arrived.isEmpty()) {
                if (closed) {
                    throw new ConnectionClosedException("receive: the socket is closed");
                }
                me.park();
            }
            Object next = arrived.poll();
            if (arrived.size() < QUEUE_LIMIT / 2 && !closed) {
                transport.resumeReading();
            }
            if (next instanceof IOException e) {
                throw e;
            }
            return (Datagram) next;
        } finally {
            receiver = null;
        }
    }

    /** Sends one datagram to {@code to}; parks while the socket's output is above its high-water mark. */
    public void sendTo(ByteBuffer data, SocketAddress to) {
        transport.sendTo(data, to);
        awaitWritable();
    }

    public void sendTo(byte[] data, SocketAddress to) {
        sendTo(ByteBuffer.wrap(data), to);
    }

    /** Sends one datagram to the connected peer. */
    public void send(ByteBuffer data) {
        transport.send(data);
        awaitWritable();
    }

    public void send(byte[] data) {
        send(ByteBuffer.wrap(data));
    }

    private void awaitWritable() {
        if (!writingPaused) {
            return;
        }
        GreenThread me = GreenThread.require("GreenDatagramSocket.send");
        sender = me;
        try {
            while (writingPaused && !closed) {
                me.park();
            }
        } finally {
            sender = null;
        }
    }

    public SocketAddress localAddress() {
        return transport.localAddress();
    }

    public SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    /** The endpoint underneath. */
    public DatagramTransport transport() {
        return transport;
    }

    /** Sends what is queued, then closes. */
    @Override
    public void close() {
        transport.close();
    }

    /** Bridges the endpoint's callbacks to parked green threads; runs on the loop thread. */
    private final class Endpoint implements DatagramProtocol {
        @Override
        public void connectionMade(DatagramTransport t) {
            transport = t;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            queue(new Datagram(copy, from));
        }

        @Override
        public void errorReceived(IOException error) {
            queue(error);
        }

        private void queue(Object item) {
            arrived.add(item);
            if (arrived.size() >= QUEUE_LIMIT) {
                transport.pauseReading();
            }
            if (receiver != null) {
                receiver.unpark();
            }
        }

        @Override
        public void pauseWriting() {
            writingPaused = true;
        }

        @Override
        public void resumeWriting() {
            writingPaused = false;
            if (sender != null) {
                sender.unpark();
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            closed = true;
            writingPaused = false;
            if (receiver != null) {
                receiver.unpark();
            }
            if (sender != null) {
                sender.unpark();
            }
        }
    }
}
