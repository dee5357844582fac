/**
 * The NIO readiness backend: {@link io.weft.internal.io.readiness.nio.NioDriver} over a JDK
 * selector, and the sockets it makes from JDK channels. Level-triggered; one shared read buffer
 * per loop.
 */
package io.weft.internal.io.readiness.nio;
