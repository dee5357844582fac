package io.weft.http.internal.parse;

/**
 * What {@link ResponseParser} found in a response head: status, fields (offsets into the
 * parsed buffer) and the framing. Reused; valid until the buffer's bytes change.
 */
public final class ResponseHead {
    /** How the body ends. */
    public enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    int status;
    int minorVersion;
    final Fields fields = new Fields();
    Framing framing;
    long contentLength;
    boolean keepAlive;
    int headEnd;

    public int status() {
        return status;
    }

    public int minorVersion() {
        return minorVersion;
    }

    public Fields fields() {
        return fields;
    }

    public Framing framing() {
        return framing;
    }

    /** With {@link Framing#LENGTH}: the body's length. */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the connection may carry another exchange after this response. */
    public boolean keepAlive() {
        return keepAlive;
    }

    public int headEnd() {
        return headEnd;
    }
}
