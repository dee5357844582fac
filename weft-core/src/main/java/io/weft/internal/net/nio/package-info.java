/**
 * The readiness implementations of {@link io.weft.internal.net.SocketIo} and
 * {@link io.weft.internal.net.udp.DatagramIo}: a {@link java.nio.channels.SocketChannel} or
 * {@link java.nio.channels.DatagramChannel} watched by a {@link io.weft.internal.loop.Loop}.
 */
package io.weft.internal.net.nio;
