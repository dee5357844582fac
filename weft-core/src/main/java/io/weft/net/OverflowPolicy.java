package io.weft.net;

/**
 * What a server does when the bytes buffered for output across all its connections exceed
 * {@link ServerOptions#maxBufferedBytes()}. Per-connection water marks alone cannot bound
 * memory: ten thousand slow readers each under their own mark can still exhaust the heap.
 * Every policy drops connections with {@link OutboundLimitException} until the total is back
 * under the limit; they differ in whom.
 *
 * <p>A byte counts as buffered once the socket has refused it: a write the kernel takes at once
 * never counts. On {@code io_uring}, where a turn's writes leave together at its end, bytes wait
 * for that send uncounted while their socket has taken everything offered so far, and count from
 * the enter that leaves part of a send untaken (then the limit is checked, and may drop, with no
 * further write).
 */
public enum OverflowPolicy {
    /** Drop the connections holding the most buffered output: the slowest readers. */
    DROP_LARGEST,
    /** Drop the connection whose buffered output crossed the limit (by a write, or by a send the kernel left unfinished). */
    DROP_WRITER
}
