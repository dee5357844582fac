/**
 * UDP under {@link io.weft.net.DatagramTransport}: the endpoint's state machine (send queue,
 * flow control, close) in {@link io.weft.internal.net.udp.DatagramEndpoint}, the datagram-I/O
 * interface it sits on ({@link io.weft.internal.io.DatagramIo}), and
 * {@link io.weft.internal.net.udp.Datagrams}, which opens endpoints.
 */
package io.weft.internal.net.udp;
