package io.weft.net;

/** Which per-connection timeout of {@link ServerOptions} fired. */
public enum TimeoutKind {
    /** Nothing read and nothing written for the idle timeout. */
    IDLE,
    /** Nothing read for the read timeout while the transport was reading. */
    READ,
    /** Buffered output made no progress for the write timeout (the peer stopped reading). */
    WRITE
}
