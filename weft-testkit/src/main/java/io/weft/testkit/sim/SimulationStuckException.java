package io.weft.testkit.sim;

/**
 * A simulation cannot go on: code waits (a {@code join}, a {@code runUntilComplete}) for
 * something that will never happen, because no loop has work, no segment is in flight and no
 * timer is pending; or the next event lies past the time limit; or the loops never go idle.
 * On a real network the program would hang here; under simulation it is told at once.
 */
public final class SimulationStuckException extends RuntimeException {
    public SimulationStuckException(String message) {
        super(message);
    }
}
