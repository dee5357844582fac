package io.weft.testkit.sim;

/**
 * Code under simulation read the real clock ({@code Clock.system().nanoTime()}), which would
 * make a run depend on the machine instead of on its seed. Use the loop's time
 * ({@code EventLoop.time()}) or its {@code LoopConfig.clock()}, which the simulation replaces.
 */
public final class NondeterminismException extends RuntimeException {
    public NondeterminismException(String message) {
        super(message);
    }
}
