/**
 * The server's insides: a {@link io.weft.http.internal.server.ServerConnection} per connection
 * (a transport protocol: read buffer, parse, dispatch one request at a time, write responses
 * in order), the request and response objects handlers see, the cached Date header and the
 * status lines.
 */
package io.weft.http.internal.server;
