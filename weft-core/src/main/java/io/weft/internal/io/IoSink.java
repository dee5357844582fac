package io.weft.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/** What a {@link SocketIo} reports to its transport. Called on the loop thread. */
public interface IoSink {

    /** Bytes arrived; {@code data} is lent until this returns. */
    void onRead(ByteBuffer data);

    /** The peer shut its write side. */
    void onReadEof();

    /**
     * The write queue shrank in the background (perhaps to empty), or the part of it the kernel
     * refused grew ({@link SocketIo#unoffered} fell): a spurious call is harmless.
     */
    void onFlushed();

    /** The socket failed; the transport should close. Already typed ({@code internal.net.Errors} for NIO, {@code internal.sys} errno mapping for native backends). */
    void onIoError(IOException error);
}
