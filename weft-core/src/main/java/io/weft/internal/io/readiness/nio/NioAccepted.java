package io.weft.internal.io.readiness.nio;

import io.weft.internal.io.AcceptedSocket;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/** A JDK channel a {@link NioListenIo} accepted, on its way to a loop's {@link NioSockets#adopt}. */
record NioAccepted(SocketChannel channel, boolean isUnix) implements AcceptedSocket {
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // releasing the descriptor; nothing else to do
        }
    }
}
