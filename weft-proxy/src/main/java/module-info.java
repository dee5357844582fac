/**
 * Weft's service proxies as a library: a SOCKS5 server, an HTTP proxy (CONNECT tunnels and
 * forward requests) and a TCP load balancer, each pairing a client connection with an upstream
 * one through weft-core's {@link io.weft.net.Relay}.
 */
module io.weft.proxy {
    requires transitive io.weft.core;
    requires io.weft.http;
    exports io.weft.proxy;
}
