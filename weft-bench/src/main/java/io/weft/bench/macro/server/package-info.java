/**
 * The Java peers of the macro benchmarks: the same echo served by Weft (callbacks and green
 * threads), Netty (NIO, epoll, io_uring) and JDK thread-per-connection (platform and virtual
 * threads). Each runs in a process of its own, started by
 * {@link io.weft.bench.macro.server.ServerMain}, and speaks the small line protocol every peer
 * of the suite speaks on its standard streams.
 */
package io.weft.bench.macro.server;
