/**
 * The proxies' machinery, not exported: the listener that admits clients and tracks tunnels,
 * the upstream connector, and one session class per protocol (SOCKS5, HTTP, TCP).
 */
package io.weft.proxy.internal;
