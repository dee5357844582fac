package io.weft.http.client;

import java.nio.charset.StandardCharsets;

/** A response with its body in memory, from {@link HttpClient#fetch}. */
public record FullResponse(ClientResponse head, byte[] body) {
    public int status() {
        return head.status();
    }

    /** The body decoded as UTF-8. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
