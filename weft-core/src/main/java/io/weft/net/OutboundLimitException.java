package io.weft.net;

import java.io.IOException;

/**
 * A connection was dropped because its server's outbound buffers, summed over all its
 * connections, went over {@link ServerOptions#maxBufferedBytes()}; see {@link OverflowPolicy}.
 */
public final class OutboundLimitException extends IOException {
    public OutboundLimitException(String message) {
        super(message);
    }
}
