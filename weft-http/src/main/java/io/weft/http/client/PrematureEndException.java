package io.weft.http.client;

/** The connection ended before the response did: mid-head, or short of the announced length or the last chunk. */
public final class PrematureEndException extends HttpClientException {
    private final long received;

    public PrematureEndException(String message, long received) {
        super(message);
        this.received = received;
    }

    /** Body bytes received before the end. */
    public long received() {
        return received;
    }
}
