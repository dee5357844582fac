/**
 * {@code weft proxy socks|http|tcp}: the command-line faces of weft-proxy's SOCKS5 server, HTTP
 * proxy and TCP load balancer, with their shared flags (listen address, client allow-list,
 * destination limits, timeouts) and a graceful drain on SIGINT/SIGTERM.
 */
package io.weft.cli.proxy;
