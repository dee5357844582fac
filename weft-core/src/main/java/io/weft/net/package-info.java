/**
 * Networking on the event loop: {@link io.weft.net.Net} makes servers and connections;
 * a {@link io.weft.net.Transport} carries bytes for a {@link io.weft.net.Protocol}, which
 * receives them. TCP, Unix domain sockets and TLS share these types. UDP has its own pair,
 * {@link io.weft.net.DatagramTransport} and {@link io.weft.net.DatagramProtocol}, since
 * datagrams keep their boundaries where a stream does not.
 */
package io.weft.net;
