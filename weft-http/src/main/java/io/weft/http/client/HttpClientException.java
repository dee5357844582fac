package io.weft.http.client;

import java.io.IOException;

/** An exchange failed because of what the server did or did not do. */
public class HttpClientException extends IOException {
    public HttpClientException(String message) {
        super(message);
    }

    public HttpClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
