package io.weft.cli.sim;

import java.util.List;

/**
 * What one seed of a scenario did.
 *
 * @param seed       the seed
 * @param violations the properties it broke, each in a sentence; empty when it kept them all
 * @param trace      the trace hash of the run, 16 hex digits
 * @param events     events in the trace
 * @param simulated  simulated time the run took, nanoseconds
 */
record Outcome(long seed, List<String> violations, String trace, long events, long simulated) {
}
