package io.weft.net;

import java.io.IOException;

/**
 * A datagram was too large: one arrived longer than {@link DatagramOptions#maxDatagramSize()}
 * (and was dropped rather than handed over cut short), or the kernel refused to send one
 * (EMSGSIZE). Reported through {@link DatagramProtocol#errorReceived}.
 */
public final class DatagramTooLargeException extends IOException {
    public DatagramTooLargeException(String message) {
        super(message);
    }

    public DatagramTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
