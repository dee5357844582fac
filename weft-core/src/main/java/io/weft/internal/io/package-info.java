/**
 * The I/O driver layer under the loop: {@link io.weft.internal.io.IoDriver} (wait or reap, wake,
 * close), the per-backend {@link io.weft.internal.io.SocketFactory}, and the seams the
 * transports sit on ({@link io.weft.internal.io.SocketIo}, {@link io.weft.internal.io.DatagramIo})
 * with their buffer-ownership rules and optional zero-copy capabilities
 * ({@link io.weft.internal.io.FileSender}, {@link io.weft.internal.io.Splicer}). {@link io.weft.internal.io.Drivers} is the one place that
 * picks a backend and probes what the kernel offers. Backends live in {@code readiness.*} and
 * (later) {@code completion.*}.
 */
package io.weft.internal.io;
