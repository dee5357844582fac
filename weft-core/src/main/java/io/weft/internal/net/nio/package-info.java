/**
 * The readiness implementation of {@link io.weft.internal.net.SocketIo}: a
 * {@link java.nio.channels.SocketChannel} watched by a {@link io.weft.internal.loop.Loop}.
 */
package io.weft.internal.net.nio;
