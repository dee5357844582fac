package io.weft.internal.io;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Datagrams an endpoint has accepted but the kernel has not yet taken, in order, each whole in
 * a buffer of its own: a datagram is one system call, never split, so (unlike the stream
 * {@link WriteQueue}) they are not packed into shared chunks.
 *
 * <p>The endpoint only {@link #add}s; the backend that was handed the queue ({@link
 * DatagramIo#flush}) alone takes from the front: {@link #peek} the next datagram, send it, then
 * {@link #remove} it. A completion backend keeps the head in the queue while the kernel holds it
 * and removes it when the send completes. Loop thread only.
 */
public final class DatagramQueue {
    /** One queued datagram: its bytes (owned by the queue) and its destination (null: connected). */
    public record Datagram(ByteBuffer data, SocketAddress to) {
    }

    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    private long bytes;

    /** Copies {@code data}'s remaining bytes in as one datagram; its position moves to its limit. */
    public void add(ByteBuffer data, SocketAddress to) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        queue.add(new Datagram(copy, to));
        bytes += copy.limit();
    }

    /** The next datagram to send, or null. */
    public Datagram peek() {
        return queue.peek();
    }

    /** Drops the head: sent, or failed for good. */
    public void remove() {
        Datagram d = queue.poll();
        if (d != null) {
            bytes -= d.data().limit();
        }
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Datagrams queued. */
    public int size() {
        return queue.size();
    }

    /** Bytes queued, for the endpoint's water marks. */
    public long bytes() {
        return bytes;
    }

    /** A readiness backend's "send this datagram now, or say there is no room". */
    @FunctionalInterface
    public interface Sender {
        /** See {@link DatagramIo#sendNow}. */
        boolean sendNow(ByteBuffer datagram, SocketAddress to) throws IOException;
    }

    /**
     * A readiness backend's drain, on writability: sends from the front until the queue is empty
     * or the socket has no room, dropping a datagram the kernel refuses (told to
     * {@link DatagramSink#onSendError}). A pending ICMP error is an earlier datagram's: Linux
     * reports it from the next send instead of sending, so it goes to {@link DatagramSink#onError}
     * and the same datagram is tried once more. Stops as soon as {@code open} turns false (the
     * endpoint closed from a sink call). Returns whether any datagram left the queue.
     */
    public boolean drain(Sender sender, DatagramSink sink, java.util.function.BooleanSupplier open) {
        boolean progress = false;
        while (!isEmpty() && open.getAsBoolean()) {
            Datagram d = peek();
            boolean sent;
            try {
                try {
                    sent = sender.sendNow(d.data(), d.to());
                } catch (java.net.PortUnreachableException earlier) {
                    sink.onError(earlier);
                    sent = open.getAsBoolean() && sender.sendNow(d.data(), d.to());
                }
            } catch (IOException e) {
                remove();
                progress = true;
                sink.onSendError(e);
                continue;
            }
            if (!sent) {
                break;
            }
            remove();
            progress = true;
        }
        return progress;
    }

    /** Drops everything. */
    public void clear() {
        queue.clear();
        bytes = 0;
    }
}
