/**
 * JMH micro-benchmarks of the event loop, each next to the peers it is compared with (Netty's
 * event loop, its {@code HashedWheelTimer}, a JDK thread pool). Every benchmark class states
 * what one operation is and what it leaves out. Throughput benchmarks also print the JVM's CPU
 * time per operation ({@link io.weft.bench.CpuMeter}), the figure to compare on a busy machine.
 * The network benchmarks (transport write and read paths, ping-pong, cross-loop messages) also
 * split the CPU time between the loop threads and the far end ({@link io.weft.bench.LoopCpuMeter}).
 * {@code weft-bench/run-jmh.sh} builds and runs them; {@code weft-bench/RESULTS-foundation.md}
 * and {@code weft-bench/RESULTS-transports.md} record runs.
 */
package io.weft.bench;
