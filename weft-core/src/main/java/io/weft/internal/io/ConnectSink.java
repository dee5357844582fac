package io.weft.internal.io;

import java.io.IOException;

/** Hears how a {@link ConnectIo} ended: exactly one of its methods, once. Loop thread. */
public interface ConnectSink {

    /** Connected; the sink owns {@code io} now (start it or close it). */
    void onConnected(SocketIo io);

    /** The attempt failed; its socket is already closed. */
    void onConnectFailed(IOException error);
}
