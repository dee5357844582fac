package io.weft.http.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A request to send: method, absolute http or https URI, extra header fields (name, value
 * pairs) and a body held in memory (or null). Immutable. Host, Content-Length and
 * User-Agent are added by the client.
 */
public record ClientRequest(String method, URI uri, List<String> headers, byte[] body) {

    public ClientRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("need an absolute http:// or https:// URI with a host, not " + uri);
        }
        headers = List.copyOf(headers);
        if (headers.size() % 2 != 0) {
            throw new IllegalArgumentException("headers are name, value pairs: give an even number of strings");
        }
    }

    public static ClientRequest get(URI uri) {
        return new ClientRequest("GET", uri, List.of(), null);
    }

    public static ClientRequest get(String uri) {
        return get(URI.create(uri));
    }

    /** This request with one more header field. */
    public ClientRequest header(String name, String value) {
        List<String> h = new ArrayList<>(headers);
        h.add(name);
        h.add(value);
        return new ClientRequest(method, uri, h, body);
    }

    /** This request to another URI (for redirects). */
    public ClientRequest withUri(URI target, String newMethod, boolean keepBody) {
        return new ClientRequest(newMethod, target, headers, keepBody ? body : null);
    }
}
