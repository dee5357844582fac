package io.weft.testkit.sim;

import io.weft.internal.loop.LoopHost;
import io.weft.loop.EventLoop;
import io.weft.loop.ExceptionHandler;
import io.weft.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * A deterministic simulation: a user's unchanged code on a simulated network ({@link
 * SimNetwork}) and simulated time (a {@link ManualClock} that jumps to the next event whenever
 * every loop is idle), with every loop stepped by the calling thread in an order drawn from one
 * seeded random source. The same seed gives the same run, event for event, and the same
 * {@link #trace()} hash.
 *
 * <pre>{@code
 * Simulation sim = Simulation.create(seed);
 * sim.run(() -> {
 *     EventLoop server = sim.host("server").loop();
 *     EventLoop client = sim.host("client").loop();
 *     Net.createServer(server, Echo::new, sim.host("server").address(7), ServerOptions.defaults()).join();
 *     Promise<MyClient> c = Net.createConnection(client, MyClient::new, "server", 7, ConnectOptions.defaults());
 *     client.runUntilComplete(c.flatMap(MyClient::done));
 *     return null;
 * });
 * System.out.println(sim.trace());   // trace 3f9c... (N events): the same for the same seed
 * }</pre>
 *
 * <h2>What runs under it</h2>
 * Inside {@link #run}, every loop opened on this thread ({@code EventLoop.create},
 * {@code EventLoop.start}, {@code LoopGroup.start}, {@link SimHost#loop()}) is a simulated one:
 * its sockets are on the simulated network, its files on its host's disk ({@link SimHost#files()}),
 * its clock is the simulation's, and it gets no thread:
 * {@code runForever}, {@code runUntilComplete} and a blocking {@code Promise.join} from outside
 * the loops run the whole simulation until they return. Green threads work as on a real loop,
 * since their scheduler is the loop. A name resolves to a host of the network, never through DNS.
 *
 * <h2>What does not</h2>
 * {@code addReader}/{@code addWriter} on JDK channels (refused with
 * {@code UnsupportedOperationException}) and {@code offload} (other threads) are not simulated
 * (files, Unix domain sockets and IPv6 are: see {@link SimFileSystem}, {@link SimNetwork}); a
 * {@code CompletableFuture.get} or a latch waited on from the simulation's thread blocks it for
 * good. TLS runs, but {@code SSLEngine} draws from {@code SecureRandom}: the bytes on the wire,
 * and so the trace hash, differ between runs of one seed (what happens does not). The debug
 * check: reading {@code Clock.system()} on the simulation's thread or in a green thread of a
 * simulated loop throws {@link NondeterminismException} and is recorded ({@link #violations()});
 * {@code System.nanoTime()}, {@code System.currentTimeMillis()}, {@code Math.random()} and
 * unseeded {@code Random}s called directly cannot be intercepted, and iterating a hash set of
 * objects without their own {@code hashCode} varies between runs too; a trace hash that differs
 * for one seed is how those show.
 *
 * <p>Threading: one thread, the one that calls {@link #run}.
 */
public final class Simulation {
    /** How far simulated time may go by default before the simulation calls the run stuck. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofHours(1);
    private static final long DEFAULT_MAX_STEPS = 50_000_000;

    private final long seed;
    private final SimRandom random;
    private final ManualClock clock = new ManualClock();
    private final Trace trace;
    private final Events events = new Events();
    private final SimNetwork network;
    private final Scheduler scheduler;
    private final List<String> violations = new ArrayList<>();
    private final List<String> uncaught = new ArrayList<>();
    private Faults faults;
    private Duration timeLimit = DEFAULT_TIME_LIMIT;
    private SimHost current;

    private Simulation(long seed, Faults faults, boolean keepText) {
        this.seed = seed;
        this.random = new SimRandom(seed);
        this.faults = Objects.requireNonNull(faults, "faults");
        this.trace = new Trace(keepText);
        this.network = new SimNetwork(this);
        this.scheduler = new Scheduler(this);
        trace.event(0, "seed", seed);
    }

    /** A simulation of {@code seed} on a {@link Faults#benign()} network. */
    public static Simulation create(long seed) {
        return create(seed, Faults.benign());
    }

    public static Simulation create(long seed, Faults faults) {
        return new Simulation(seed, faults, true);
    }

    // ---- running ----

    /** Code run by {@link #run}. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} on this thread under the simulation: loops it opens are simulated, and
     * waiting on them runs the simulation. Loops still open when it returns are closed (after
     * which {@link SimNetwork#openSockets()} says what was left behind). Exceptions from the body
     * come out as they are.
     */
    public void run(Body body) throws Exception {
        call(() -> {
            body.run();
            return null;
        });
    }

    /** {@link #run}, returning what {@code body} returns. */
    public <T> T call(Callable<T> body) throws Exception {
        LoopHost before = LoopHost.install(scheduler);
        SimHost host = current;
        if (current == null) {
            current = network.host("localhost");
        }
        try {
            return body.call();
        } finally {
            try {
                scheduler.closeAll();
            } finally {
                current = host;
                LoopHost.install(before);
            }
        }
    }

    /** Runs the simulation until {@code done}, or throws {@link SimulationStuckException}. Inside {@link #run}. */
    public void runUntil(BooleanSupplier done) {
        checkRunning("runUntil");
        scheduler.runUntil(done);
    }

    /** Runs the simulation for {@code d} of simulated time. Inside {@link #run}. */
    public void runFor(Duration d) {
        checkRunning("runFor");
        long until = now() + d.toNanos();
        events.at(until, () -> { });
        scheduler.runUntil(() -> now() - until >= 0);
    }

    /** Runs the simulation until nothing more can happen (no work, nothing in flight, no timer). Inside {@link #run}. */
    public void runUntilQuiet() {
        checkRunning("runUntilQuiet");
        while (!scheduler.quiet()) {
            if (!scheduler.step()) {
                return;
            }
        }
    }

    private void checkRunning(String what) {
        if (LoopHost.current() != scheduler) {
            throw new IllegalStateException(what + "() runs loops of the simulation: call it inside Simulation.run(...)");
        }
    }

    // ---- the world ----

    /** The host called {@code name} ({@link SimNetwork#host}). */
    public SimHost host(String name) {
        return network.host(name);
    }

    public SimNetwork network() {
        return network;
    }

    public long seed() {
        return seed;
    }

    /** Simulated time, nanoseconds since the start. */
    public long now() {
        return clock.nanoTime();
    }

    /** The clock every simulated loop runs on. Moving it by hand is allowed, from this thread. */
    public ManualClock clock() {
        return clock;
    }

    public Trace trace() {
        return trace;
    }

    public Faults faults() {
        return faults;
    }

    /** Changes what the network does from now on (connections made before keep their buffers). */
    public Simulation faults(Faults f) {
        this.faults = Objects.requireNonNull(f, "faults");
        return this;
    }

    public Duration timeLimit() {
        return timeLimit;
    }

    /** How far simulated time may go before a wait counts as stuck (default {@link #DEFAULT_TIME_LIMIT}). */
    public Simulation timeLimit(Duration limit) {
        this.timeLimit = Objects.requireNonNull(limit, "limit");
        return this;
    }

    /** Real-clock reads seen (each also threw {@link NondeterminismException} where it happened). */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Exceptions that escaped callbacks to a loop's exception handler, as "context: exception". */
    public List<String> uncaught() {
        return List.copyOf(uncaught);
    }

    /** Files open on every host's disk ({@link SimFileSystem#openFiles()}, summed). */
    public int openFiles() {
        int n = 0;
        for (SimHost h : network.hosts()) {
            n += h.openFiles();
        }
        return n;
    }

    /** Loops opened and not closed yet. */
    public int openLoops() {
        return scheduler.openLoops();
    }

    // ---- for the parts ----

    <T> T onHost(SimHost host, Callable<T> code) {
        LoopHost before = LoopHost.install(scheduler);
        SimHost was = current;
        current = host;
        try {
            return code.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("code on simulated host " + host.name() + " failed", e);
        } finally {
            current = was;
            LoopHost.install(before);
        }
    }

    SimHost currentHost() {
        return current != null ? current : network.host("localhost");
    }

    SimRandom random() {
        return random;
    }

    Events events() {
        return events;
    }

    long timeLimitNanos() {
        return timeLimit.toNanos();
    }

    long maxSteps() {
        return DEFAULT_MAX_STEPS;
    }

    String describeNow() {
        return "simulated time " + Duration.ofNanos(now()) + " (seed " + seed + ")";
    }

    void realClockRead() {
        String where = StackWalker.getInstance().walk(frames -> frames
                .map(f -> f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber())
                .filter(f -> !f.startsWith("io.weft.time.") && !f.startsWith("io.weft.internal.loop.LoopHost")
                        && !f.startsWith("io.weft.testkit.sim."))
                .findFirst().orElse("?"));
        String msg = "the real clock (Clock.system()) was read under simulation, at " + where
                + "; use the loop's time (EventLoop.time()) so that a seed replays the same run";
        violations.add(msg);
        trace.event(now(), "real-clock-read");
        throw new NondeterminismException(msg);
    }

    void uncaught(String context, Throwable error, ExceptionHandler asked, EventLoop loop) {
        uncaught.add(context + ": " + error);
        trace.event(now(), "uncaught");
        asked.handle(loop, context, error);
    }

    /** The command-line and annotation forms that replay this seed. */
    public String replayHint() {
        return "replay with @Simulated(seed = " + seed + ") or -Dweft.sim.seed=" + seed;
    }

    @Override
    public String toString() {
        return "Simulation[seed " + seed + ", " + describeNow() + ", " + trace + "]";
    }
}
