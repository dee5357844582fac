/**
 * The HTTP proxy's sessions: request heads parsed by weft-http's strict parser, Basic proxy
 * authentication, CONNECT tunnels and upgrades handed to a relay, forward requests rewritten
 * (hop-by-hop fields removed, {@code Via} added) over a per-loop pool of origin connections, and
 * their bodies framed so that both connections can be kept alive.
 */
package io.weft.proxy.internal.http;
