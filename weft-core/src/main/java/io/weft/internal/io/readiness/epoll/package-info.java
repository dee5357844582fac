/**
 * The native epoll backend: {@link io.weft.internal.io.readiness.epoll.EpollDriver} waits on an
 * epoll instance through {@code io.weft.internal.sys} (FFM, no JNI), and its socket factory
 * serves TCP, Unix-domain and UDP sockets as raw descriptors, without the JDK's channels in
 * between. Level-triggered, like the NIO backend.
 */
package io.weft.internal.io.readiness.epoll;
