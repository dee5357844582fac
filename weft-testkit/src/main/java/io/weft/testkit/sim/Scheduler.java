package io.weft.testkit.sim;

import io.weft.internal.io.DriverContext;
import io.weft.internal.io.IoDriver;
import io.weft.internal.loop.Loop;
import io.weft.internal.loop.LoopHost;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The one thread's loop of loops: the {@link LoopHost} that every loop of a simulation is
 * opened under. Each step runs the network events due now, then one turn of one loop that has
 * work, drawn at random among them (the seeded order in which loops interleave); when no loop
 * has work, time jumps to the next event or timer. When nothing at all can happen any more and
 * the caller still waits, it says so ({@link SimulationStuckException}) instead of hanging.
 *
 * <p>Simulation's thread only.
 */
final class Scheduler implements LoopHost {
    private record Hosted(Loop loop, SimDriver driver, int id, SimHost host) {
    }

    private final Simulation sim;
    /** In opening order: which loops are candidates is looked at in this order, every run. */
    private final List<Hosted> loops = new ArrayList<>();
    /** For look-ups only, never iterated (identity hash codes differ between runs). */
    private final Map<EventLoop, Hosted> byLoop = new IdentityHashMap<>();
    private SimDriver opening;
    private long steps;

    Scheduler(Simulation sim) {
        this.sim = sim;
    }

    // ---- LoopHost ----

    @Override
    public LoopConfig configure(LoopConfig asked) {
        return asked.toBuilder()
                .clock(sim.clock())
                .exceptionHandler((loop, context, error) -> sim.uncaught(context, error, asked.exceptionHandler(), loop))
                .build();
    }

    @Override
    public IoDriver openDriver(DriverContext context) {
        opening = new SimDriver(sim, sim.currentHost(), context);
        return opening;
    }

    @Override
    public void opened(Loop loop, boolean ownThread) {
        Hosted h = new Hosted(loop, opening, loops.size() + 1, opening.host());
        opening = null;
        loops.add(h);
        byLoop.put(loop, h);
        sim.trace().event(sim.now(), "loop", h.id);
    }

    @Override
    public boolean hosts(EventLoop loop) {
        return byLoop.containsKey(loop);
    }

    @Override
    public void onRealClockRead() {
        sim.realClockRead();
    }

    @Override
    public void runUntil(BooleanSupplier done) {
        Loop turn = Loop.turnInProgress();
        if (turn != null) {
            throw new IllegalStateException("a callback of " + turn + " waits for another loop (join, runForever);"
                    + " under a simulation one thread runs every loop, so it would wait for ever: use"
                    + " whenComplete/map/flatMap, or wait in a green thread");
        }
        while (!done.getAsBoolean()) {
            if (!step()) {
                throw new SimulationStuckException("nothing more can happen at " + sim.describeNow()
                        + ", but the simulation is still waiting: " + describeLoops()
                        + " (work on other threads, such as offload pools and blocking calls, is not simulated)");
            }
        }
    }

    // ---- stepping ----

    /** One step: due events, then a turn of a loop with work, or a jump in time. False: nothing can happen. */
    boolean step() {
        if (++steps > sim.maxSteps()) {
            throw new SimulationStuckException("more than " + sim.maxSteps() + " steps at " + sim.describeNow()
                    + ": a loop that never goes idle? " + describeLoops());
        }
        long now = sim.now();
        sim.events().runDue(now);
        List<Hosted> ready = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            Hosted h = loops.get(i);
            if (h.loop.isClosed()) {
                loops.remove(i--);
                byLoop.remove(h.loop);
                continue;
            }
            if (h.loop.hostedHasWork() || h.driver.hasReady()) {
                ready.add(h);
            }
        }
        if (!ready.isEmpty()) {
            Hosted h = ready.get(sim.random().below(ready.size()));
            long before = h.loop.stats().callbacksRun();
            h.loop.hostedTurn();
            sim.trace().event(now, "turn", h.id, h.loop.stats().callbacksRun() - before);
            return true;
        }
        long next = sim.events().next();
        Hosted timerOf = null;
        for (Hosted h : loops) {
            long t = h.loop.hostedNextTimer();
            if (t != Long.MAX_VALUE && t - next < 0) {
                next = t;
                timerOf = h;
            }
        }
        if (next == Long.MAX_VALUE) {
            return false;
        }
        if (next - sim.timeLimitNanos() > 0) {
            throw new SimulationStuckException("the next event is past the time limit of " + sim.timeLimit()
                    + " (at " + sim.describeNow() + "): a wait that never ends? " + describeLoops());
        }
        sim.clock().set(next);
        if (timerOf != null) {
            sim.trace().event(next, "timer", timerOf.id);
        } else {
            sim.trace().event(next, "time");
        }
        return true;
    }

    /** Whether anything at all could still happen: work, a pending event, or a timer. */
    boolean quiet() {
        if (sim.events().next() != Long.MAX_VALUE) {
            return false;
        }
        for (Hosted h : loops) {
            if (!h.loop.isClosed() && (h.loop.hostedHasWork() || h.driver.hasReady()
                    || h.loop.hostedNextTimer() != Long.MAX_VALUE)) {
                return false;
            }
        }
        return true;
    }

    /** Loops still open. */
    int openLoops() {
        int n = 0;
        for (Hosted h : loops) {
            if (!h.loop.isClosed()) {
                n++;
            }
        }
        return n;
    }

    /** Closes every loop still open, in opening order (what a simulation leaves behind). */
    void closeAll() {
        for (Hosted h : List.copyOf(loops)) {
            if (!h.loop.isClosed()) {
                h.loop.close();
            }
        }
        loops.clear();
        byLoop.clear();
    }

    private String describeLoops() {
        StringBuilder b = new StringBuilder();
        for (Hosted h : loops) {
            if (h.loop.isClosed()) {
                continue;
            }
            long t = h.loop.hostedNextTimer();
            b.append(b.isEmpty() ? "" : "; ").append("loop ").append(h.id).append(" on ").append(h.host.name())
                    .append(": ").append(h.driver.registrations()).append(" sockets, ")
                    .append(t == Long.MAX_VALUE ? "no timer" : "a timer at " + t + " ns");
        }
        return b.isEmpty() ? "no loop is open" : b.toString();
    }
}
