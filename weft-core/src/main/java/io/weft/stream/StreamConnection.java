package io.weft.stream;

import io.weft.net.Transport;

/**
 * A connected stream's two halves, as {@link Streams#connect} hands them out. Loop thread only,
 * like the halves themselves.
 */
public record StreamConnection(StreamReader reader, StreamWriter writer) {

    /** The connection underneath. */
    public Transport transport() {
        return writer.transport();
    }
}
