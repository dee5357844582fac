/**
 * The native epoll backend: {@link io.weft.internal.io.readiness.epoll.EpollDriver} waits on an
 * epoll instance through {@code io.weft.internal.sys} (FFM, no JNI), and its socket factory
 * serves TCP, Unix-domain and UDP sockets as raw descriptors, without the JDK's channels in
 * between. Level-triggered, like the NIO backend. Its sockets can send files by {@code sendfile(2)}
 * ({@link io.weft.internal.io.readiness.epoll.EpollFileSender}) and move bytes to another socket
 * by {@code splice(2)} through a pipe ({@link io.weft.internal.io.readiness.epoll.EpollSplicer}).
 */
package io.weft.internal.io.readiness.epoll;
