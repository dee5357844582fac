/**
 * Readiness backends, one package each: the kernel says when a descriptor is ready and the
 * backend then reads or writes it (NIO's selector, poll(2), native epoll).
 */
package io.weft.internal.io.readiness;
