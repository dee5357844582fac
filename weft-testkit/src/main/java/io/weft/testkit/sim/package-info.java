/**
 * Deterministic simulation: users' unchanged code (Net, transports, streams, green threads,
 * loop groups, AsyncFile) on an in-memory network of named hosts, each with an in-memory disk
 * ({@link io.weft.testkit.sim.SimFileSystem}), and on simulated time, with every choice (delays,
 * partial reads and writes, short file reads, resets, refused and hanging connects, which loop runs next)
 * made by one seeded random source. The same seed replays the same run, event for event: its
 * {@link io.weft.testkit.sim.Trace} hash says so. {@link io.weft.testkit.sim.Simulation} is the
 * entry point, {@link io.weft.testkit.sim.Simulated} runs a JUnit test under many seeds.
 * See docs/simulation.md.
 */
package io.weft.testkit.sim;
