/**
 * Weft's macro benchmarks: {@code ./weft bench} runs the same echo workloads against Weft and
 * its peers (Netty, Go, Node, the JDK's threads), each server in its own process, driven by
 * one load generator written in C, and writes a report (Markdown, PNG charts, JSON) under
 * {@code bench-results/}. {@link io.weft.bench.macro.BenchMain} is the entry point;
 * {@link io.weft.bench.macro.Suite} the order of runs.
 */
package io.weft.bench.macro;
