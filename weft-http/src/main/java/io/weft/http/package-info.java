/**
 * An HTTP/1.1 server: {@link io.weft.http.HttpServer} parses requests strictly (RFC 9112),
 * serves keep-alive and pipelined connections in order, and hands each request to an
 * {@link io.weft.http.HttpHandler} written as a callback, as a future
 * ({@link io.weft.http.HttpHandler#future}) or as blocking-style code on a green thread
 * ({@link io.weft.http.HttpHandler#green}). Everything runs on the server's loop thread.
 */
package io.weft.http;
