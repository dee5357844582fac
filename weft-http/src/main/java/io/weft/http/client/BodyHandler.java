package io.weft.http.client;

import java.io.IOException;

/**
 * Decides, once a response's head is in, where its body goes. Called on the loop thread, once
 * per exchange, after redirects were followed. Throwing aborts the exchange.
 */
@FunctionalInterface
public interface BodyHandler {
    BodySink onResponse(ClientResponse response) throws IOException;
}
