/**
 * Deterministic simulation: users' unchanged code (Net, transports, streams, green threads,
 * loop groups) on an in-memory network of named hosts and on simulated time, with every choice
 * (delays, partial reads and writes, resets, refused and hanging connects, which loop runs next)
 * made by one seeded random source. The same seed replays the same run, event for event: its
 * {@link io.weft.testkit.sim.Trace} hash says so. {@link io.weft.testkit.sim.Simulation} is the
 * entry point, {@link io.weft.testkit.sim.Simulated} runs a JUnit test under many seeds.
 * See docs/simulation.md.
 */
package io.weft.testkit.sim;
