package io.weft.http.internal.parse;

/**
 * A message that breaks RFC 9112, with the status a server answers it with (400, 413, 414, 431,
 * 501, 505). Carries no stack trace: it is thrown for every bad request a server sees, and the
 * message alone says what was wrong.
 */
public final class ParseException extends Exception {
    private final int status;

    public ParseException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The status code a server should answer with. */
    public int status() {
        return status;
    }
}
