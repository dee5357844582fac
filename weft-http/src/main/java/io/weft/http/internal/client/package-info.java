/**
 * The client's insides: a {@link io.weft.http.internal.client.HostPool} of connections per
 * scheme, host and port, a {@link io.weft.http.internal.client.ClientConnection} per socket,
 * and an {@link io.weft.http.internal.client.Exchange} per request (redirects, retries of a
 * stale keep-alive connection, the total deadline, cancellation).
 */
package io.weft.http.internal.client;
