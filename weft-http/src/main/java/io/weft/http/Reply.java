package io.weft.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole response as a value, for {@link HttpHandler#future} handlers: status, header fields
 * and a body held in memory. Immutable; {@link #header} returns a copy with one more field.
 */
public record Reply(int status, List<String> headers, byte[] body) {

    public Reply {
        HttpResponse.checkStatus(status);
        headers = List.copyOf(headers);
        if (headers.size() % 2 != 0) {
            throw new IllegalArgumentException("headers are name, value pairs: give an even number of strings");
        }
    }

    /** A reply with a body of {@code contentType}. */
    public static Reply of(int status, String contentType, byte[] body) {
        return new Reply(status, List.of("Content-Type", contentType), body);
    }

    /** A {@code text/plain; charset=utf-8} reply. */
    public static Reply text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** This reply with one more header field. */
    public Reply header(String name, String value) {
        List<String> h = new ArrayList<>(headers);
        h.add(name);
        h.add(value);
        return new Reply(status, h, body);
    }

    /** Sends this reply on {@code response} and ends it. */
    public void sendTo(HttpResponse response) {
        response.status(status);
        for (int i = 0; i < headers.size(); i += 2) {
            response.header(headers.get(i), headers.get(i + 1));
        }
        response.end(body);
    }
}
