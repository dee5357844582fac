package io.weft.http.internal.parse;

/**
 * How large a request head may be.
 *
 * @param maxRequestLine bytes in the request line without its CRLF; past it, 414
 * @param maxHeadBytes   bytes in the whole head, request line included; past it, 431
 * @param maxFields      header fields; past it, 431
 */
public record ParseLimits(int maxRequestLine, int maxHeadBytes, int maxFields) {
    public static final ParseLimits DEFAULTS = new ParseLimits(8192, 16384, 100);

    public ParseLimits {
        if (maxRequestLine < 16 || maxHeadBytes < maxRequestLine || maxFields < 1) {
            throw new IllegalArgumentException("limits must be maxRequestLine >= 16, maxHeadBytes >= maxRequestLine,"
                    + " maxFields >= 1; got " + maxRequestLine + ", " + maxHeadBytes + ", " + maxFields);
        }
    }
}
