package io.weft.testkit.sim;

import io.weft.internal.io.ChannelWatches;
import io.weft.internal.io.DriverContext;
import io.weft.internal.io.IoDriver;
import io.weft.internal.io.ReadyQueue;
import io.weft.internal.io.SocketFactory;
import io.weft.internal.dispatch.Task;
import io.weft.internal.file.FileIo;
import java.util.ArrayDeque;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The I/O driver under a simulated loop: a readiness backend over the {@link SimNetwork}'s
 * in-memory connections instead of the kernel. {@link #await} never blocks (the simulation
 * decides when time passes): it looks at each of its sockets in the order they registered, and
 * queues the task of every one that is ready, level-triggered like the real backends. File
 * operations ({@link SimFileIo}, on the host's {@link SimFileSystem}) complete as a completion
 * driver's do: an event finishes the work and queues its outcome here, and the next turn's
 * {@code await} hands it to the run phase, after the sockets' tasks.
 *
 * <p>Loop (that is, simulation) thread only; {@link #wakeup()} has nothing to wake.
 */
final class SimDriver implements IoDriver {
    /** Something on this driver that may be ready: a socket, a listener, a connect. */
    interface Endpoint {
        /** Queues the tasks of what is ready now; returns how many. */
        int poll(ReadyQueue ready);

        /** Whether {@link #poll} would queue anything. */
        boolean isReady();

        /** Releases it as the loop goes (a socket the loop did not close). */
        void close();
    }

    private final Simulation sim;
    private final SimHost host;
    private final DriverContext context;
    private final SimSockets sockets;
    /** In registration order: the order each turn looks at them in, the same every run. */
    private final LinkedHashSet<Endpoint> endpoints = new LinkedHashSet<>();
    /** File operations finished and not yet handed to the loop, in the order they finished. */
    private final ArrayDeque<Task> completions = new ArrayDeque<>();
    private SimFileIo files;
    private boolean closed;

    SimDriver(Simulation sim, SimHost host, DriverContext context) {
        this.sim = sim;
        this.host = host;
        this.context = context;
        this.sockets = new SimSockets(this);
    }

    @Override
    public int await(long timeoutNanos) {
        int n = 0;
        ReadyQueue ready = context.ready();
        for (Endpoint e : List.copyOf(endpoints)) {
            n += e.poll(ready);
        }
        for (Task t; (t = completions.poll()) != null; n++) {
            ready.add(t);
        }
        return n;
    }

    /** Queues a finished file operation's outcome for the loop's next turn (dropped once the driver is closed). */
    void complete(Runnable outcome) {
        if (!closed) {
            completions.add(new Task(outcome, null));
        }
    }

    /** Whether a turn now would find I/O ready. */
    boolean hasReady() {
        if (!completions.isEmpty()) {
            return true;
        }
        for (Endpoint e : endpoints) {
            if (e.isReady()) {
                return true;
            }
        }
        return false;
    }

    void register(Endpoint e) {
        endpoints.add(e);
    }

    void unregister(Endpoint e) {
        endpoints.remove(e);
    }

    @Override
    public void wakeup() {
        // Nothing blocks: the simulation looks at every loop's inbox before it moves time.
    }

    @Override
    public SocketFactory sockets() {
        return sockets;
    }

    @Override
    public FileIo fileIo() {
        if (files == null) {
            files = new SimFileIo(this);
        }
        return files;
    }

    @Override
    public ChannelWatches channelWatches() {
        return null; // no JDK channels under simulation: addReader/addWriter are refused
    }

    @Override
    public int registrations() {
        return endpoints.size();
    }

    @Override
    public List<InetAddress> knownAddresses(String name) {
        return sim.network().addressesOf(name); // never the real resolver: unknown names fail
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Endpoint e : List.copyOf(endpoints)) {
            e.close();
        }
        endpoints.clear();
        completions.clear();
    }

    @Override
    public String name() {
        return "sim";
    }

    SimHost host() {
        return host;
    }

    Simulation sim() {
        return sim;
    }

    SimNetwork network() {
        return sim.network();
    }

    ByteBuffer readBuffer() {
        return context.readBuffer();
    }

    @Override
    public String toString() {
        return "sim driver on " + host + ", " + endpoints.size() + " sockets";
    }
}
