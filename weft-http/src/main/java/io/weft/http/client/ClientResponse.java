package io.weft.http.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A response's head: status and header fields, and the URI that answered (after redirects).
 * Immutable; the body goes to the {@link BodySink} the {@link BodyHandler} chose.
 */
public record ClientResponse(URI uri, int status, List<String> headers) {

    public ClientResponse {
        headers = List.copyOf(headers);
    }

    /** The first value of {@code name} (any case), or null. */
    public String header(String name) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                return headers.get(i + 1);
            }
        }
        return null;
    }

    /** Every value of {@code name}. */
    public List<String> headers(String name) {
        List<String> v = new ArrayList<>();
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                v.add(headers.get(i + 1));
            }
        }
        return v;
    }

    /** Content-Length, or -1. */
    public long contentLength() {
        String v = header("Content-Length");
        try {
            return v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
