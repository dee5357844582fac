package io.weft.http.client;

/** The server's response broke HTTP/1.1: a garbage status line, bad fields, bad chunked framing, bytes past the body. */
public final class MalformedResponseException extends HttpClientException {
    public MalformedResponseException(String message) {
        super(message);
    }
}
