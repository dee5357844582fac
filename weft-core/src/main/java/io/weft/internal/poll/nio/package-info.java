/**
 * The portable backend: a {@link java.nio.channels.Selector} (epoll on Linux, kqueue on
 * macOS, or the JDK's poll(2) selector).
 */
package io.weft.internal.poll.nio;
