/**
 * Linux system calls through the JDK's foreign function API (no JNI, nothing compiled): sockets,
 * socket addresses, epoll, eventfd, pipes, splice and sendfile on raw file descriptors, and the
 * one place ({@link io.weft.internal.sys.SysErrors}) that turns an errno into a typed
 * {@link java.io.IOException} naming the call.
 *
 * <p>Hot-path calls return the kernel's answer unchanged: a count or descriptor {@code >= 0}, or
 * {@code -errno}; they never throw for {@code EAGAIN}. Every descriptor this layer makes is
 * non-blocking and close-on-exec. Struct layouts and constants are from the kernel UAPI and glibc
 * headers (Debian's linux-libc-dev, libc6-dev), cited beside each; {@link io.weft.internal.sys.Sys#probe()}
 * says whether any of it can run here.
 */
package io.weft.internal.sys;
