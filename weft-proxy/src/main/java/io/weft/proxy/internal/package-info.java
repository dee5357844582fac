/**
 * The proxies' machinery, not exported: the listener group (one listener per loop, and what the
 * loops share: per-client counts and totals), the upstream connector, health probes, and one
 * session class per protocol (SOCKS5, HTTP, TCP).
 */
package io.weft.proxy.internal;
