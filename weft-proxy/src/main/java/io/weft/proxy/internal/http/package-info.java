/**
 * The HTTP proxy's sessions: request heads parsed by weft-http's strict parser, CONNECT tunnels
 * handed to a relay, forward requests rewritten (hop-by-hop fields removed, {@code Via} added)
 * and their bodies framed so that the client's connection can be kept alive.
 */
package io.weft.proxy.internal.http;
