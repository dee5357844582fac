package io.weft.http;

import java.io.IOException;

/** The client broke HTTP/1.1 (RFC 9112); {@link #status()} is how the server answers it. */
public class BadRequestException extends IOException {
    private final int status;

    public BadRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The status code the server answers: 400, 413, 414, 417, 431, 501 or 505. */
    public int status() {
        return status;
    }
}
