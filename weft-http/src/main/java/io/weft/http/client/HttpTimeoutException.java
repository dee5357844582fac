package io.weft.http.client;

/** A deadline of {@link ClientOptions} passed; {@link #kind()} says which. */
public final class HttpTimeoutException extends HttpClientException {
    /** Which deadline. */
    public enum Kind { CONNECT, HEAD, BODY_IDLE, TOTAL }

    private final Kind kind;

    public HttpTimeoutException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
