package io.weft.http;

/** A request body longer than the server's or the reader's limit (status 413). */
public final class BodyTooLargeException extends BadRequestException {
    private final long limit;

    public BodyTooLargeException(long limit) {
        super(413, "the request body is larger than " + limit + " bytes");
        this.limit = limit;
    }

    /** The limit, bytes. */
    public long limit() {
        return limit;
    }
}
