package io.weft.testkit.sim;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test method once per seed, each time under a fresh {@link Simulation} of that seed,
 * which the method takes as a parameter:
 *
 * <pre>{@code
 * @Simulated(seeds = 100)
 * void echoSurvivesAnyNetwork(Simulation sim) {
 *     EventLoop loop = sim.host("server").loop();   // or EventLoop.create(): simulated as well
 *     ...
 * }
 * }</pre>
 *
 * The whole method body runs under the simulation (loops it opens are simulated; waiting on
 * them runs it). A seed fails when the body throws, when code read the real clock, or (with
 * {@link #checkLeaks()}) when sockets or files are still open once the loops it left open are closed;
 * the failure names the seed, the trace hash and the last events, and says how to replay it:
 * {@code @Simulated(seed = 17)}, or {@code -Dweft.sim.seed=17} for every simulated test.
 * {@code -Dweft.sim.seeds=N} runs N seeds instead of {@link #seeds()}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@TestTemplate
@ExtendWith(SimulatedExtension.class)
public @interface Simulated {
    /** How many seeds to run: {@link #firstSeed()}, the next, and so on. */
    int seeds() default 100;

    /** The first seed. */
    long firstSeed() default 1;

    /** One seed only, to replay a failure; -1 (the default) runs {@link #seeds()} seeds. */
    long seed() default -1;

    /** What the network does to traffic. */
    Network network() default Network.BENIGN;

    /** Whether a seed fails when the body leaves sockets or files open (after its loops are closed). */
    boolean checkLeaks() default true;

    /** The {@link Faults} presets, by name. */
    enum Network {
        /** {@link Faults#none()}. */
        PERFECT,
        /** {@link Faults#benign()}. */
        BENIGN,
        /** {@link Faults#hostile()}. */
        HOSTILE;

        Faults faults() {
            return switch (this) {
                case PERFECT -> Faults.none();
                case BENIGN -> Faults.benign();
                case HOSTILE -> Faults.hostile();
            };
        }
    }
}
