package io.weft.internal.io;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** What a {@link DatagramIo} reports to its endpoint. Called on the loop thread. */
public interface DatagramSink {

    /**
     * One datagram arrived; {@code data} is lent until this returns. It holds at most the
     * receive limit the I/O was made with, so a datagram that fills it was longer and cut.
     */
    void onDatagram(ByteBuffer data, SocketAddress from);

    /** The queue handed to {@link DatagramIo#flush} shrank (perhaps to empty). */
    void onFlushed();

    /**
     * The queued datagram {@code to} was refused by the kernel and dropped from the queue; the
     * socket is still usable.
     */
    void onSendError(IOException error);

    /**
     * Receiving failed, or a send reported an earlier datagram's ICMP error (port unreachable on
     * a connected socket, say); the socket is still usable.
     */
    void onError(IOException error);
}
