/**
 * An HTTP/1.1 client on one event loop: {@link io.weft.http.client.HttpClient} keeps a pool
 * of keep-alive connections per host and port, follows a bounded number of redirects, speaks
 * https with hostname verification, streams response bodies to a
 * {@link io.weft.http.client.BodySink}, and fails with exceptions named by what the server did
 * wrong ({@link io.weft.http.client.MalformedResponseException},
 * {@link io.weft.http.client.PrematureEndException}, {@link io.weft.http.client.HttpTimeoutException}).
 */
package io.weft.http.client;
