/**
 * The machinery under {@link io.weft.net}: the stream transport's state machine
 * ({@link io.weft.internal.net.StreamTransport}), the socket-I/O interface it sits on
 * ({@link io.weft.internal.io.SocketIo}) and its NIO implementation, servers and connectors.
 */
package io.weft.internal.net;
