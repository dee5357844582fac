/**
 * JMH micro-benchmarks of the event loop, each next to the peers it is compared with (Netty's
 * event loop, its {@code HashedWheelTimer}, a JDK thread pool). Every benchmark class states
 * what one operation is and what it leaves out. Throughput benchmarks also print the JVM's CPU
 * time per operation ({@link io.weft.bench.CpuMeter}), the figure to compare on a busy machine.
 * {@code weft-bench/run-jmh.sh} builds and runs them; {@code weft-bench/RESULTS-foundation.md}
 * records a run.
 */
package io.weft.bench;
