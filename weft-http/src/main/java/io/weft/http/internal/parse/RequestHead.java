package io.weft.http.internal.parse;

import java.nio.charset.StandardCharsets;

/**
 * What {@link RequestParser} found in a request head: offsets into the parsed buffer, and the
 * framing the head implies. Mutable and reused from one request to the next on a connection;
 * valid until the buffer's bytes change.
 */
public final class RequestHead {
    /** No Content-Length: see {@link #chunked}. */
    public static final long NO_LENGTH = -1;

    byte[] buf;
    String method;
    int targetStart;
    int targetEnd;
    int minorVersion;
    final Fields fields = new Fields();
    long contentLength;
    boolean chunked;
    boolean keepAlive;
    boolean expectContinue;
    int headStart;
    int headEnd;

    void reset(byte[] buffer, int start) {
        buf = buffer;
        method = null;
        fields.clear(buffer);
        contentLength = NO_LENGTH;
        chunked = false;
        keepAlive = false;
        expectContinue = false;
        headStart = start;
        headEnd = start;
    }

    /** The method: one of the interned constants of {@link Methods} for the standard ones. */
    public String method() {
        return method;
    }

    public byte[] buffer() {
        return buf;
    }

    public int targetStart() {
        return targetStart;
    }

    public int targetEnd() {
        return targetEnd;
    }

    /** The request-target as sent. Allocates. */
    public String target() {
        return new String(buf, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1 (a later 1.x is read as 1.1, as RFC 9110 2.5 says). */
    public int minorVersion() {
        return minorVersion;
    }

    public Fields fields() {
        return fields;
    }

    /** The body's length from Content-Length, or {@link #NO_LENGTH}. */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the body is chunked (Transfer-Encoding ends with chunked). */
    public boolean chunked() {
        return chunked;
    }

    /** Whether the connection may carry another request after this one, as far as the head says. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the client sent {@code Expect: 100-continue}. */
    public boolean expectContinue() {
        return expectContinue;
    }

    /** Where the head began (after any empty lines before it). */
    public int headStart() {
        return headStart;
    }

    /** Just past the head's final CRLF: where the body starts. */
    public int headEnd() {
        return headEnd;
    }
}
