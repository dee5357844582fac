package io.weft.net;

/**
 * What a server does when the bytes buffered for output across all its connections exceed
 * {@link ServerOptions#maxBufferedBytes()}. Per-connection water marks alone cannot bound
 * memory: ten thousand slow readers each under their own mark can still exhaust the heap.
 * Every policy drops connections with {@link OutboundLimitException} until the total is back
 * under the limit; they differ in whom.
 */
public enum OverflowPolicy {
    /** Drop the connections holding the most buffered output: the slowest readers. */
    DROP_LARGEST,
    /** Drop the connection whose write crossed the limit. */
    DROP_WRITER
}
