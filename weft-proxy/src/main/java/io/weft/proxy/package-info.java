/**
 * Service proxies: {@link io.weft.proxy.SocksProxy} (SOCKS5, RFC 1928 and 1929),
 * {@link io.weft.proxy.HttpProxy} (CONNECT tunnels, absolute-form forward requests, Upgrade,
 * Basic proxy authentication) and {@link io.weft.proxy.TcpBalancer} (a TCP load balancer with
 * health checks). Each listens on one loop or on every loop of a {@link io.weft.loop.LoopGroup},
 * checks clients and destinations against a {@link io.weft.proxy.ProxyPolicy}, and moves bytes
 * with {@link io.weft.net.Relay}, so a slow peer never holds more than the water marks of memory.
 */
package io.weft.proxy;
