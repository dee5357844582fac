package io.weft.cli.sim;

import io.weft.testkit.sim.Faults;

/** A program and its scripted clients, run under one seed and checked. */
interface Scenario {

    /** Runs seed {@code seed} on a network with {@code faults}, with {@code clients} clients. */
    Outcome run(long seed, Faults faults, int clients);
}
