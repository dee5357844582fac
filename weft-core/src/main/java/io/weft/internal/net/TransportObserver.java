package io.weft.internal.net;

/**
 * Who a transport reports its life to: the server that accepted it (connection count,
 * server-wide output cap). Loop thread.
 */
public interface TransportObserver {

    /** The transport's write buffer grew ({@code delta > 0}) or shrank. */
    void bufferChanged(StreamTransport transport, long delta);

    /** The transport is closed; no further calls follow. */
    void closed(StreamTransport transport);

    TransportObserver NONE = new TransportObserver() {
        @Override
        public void bufferChanged(StreamTransport transport, long delta) {
        }

        @Override
        public void closed(StreamTransport transport) {
        }
    };
}
