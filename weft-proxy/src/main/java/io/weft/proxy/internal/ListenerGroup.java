package io.weft.proxy.internal;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import io.weft.net.GroupServer;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.proxy.ProxyEvents;
import io.weft.proxy.ProxyPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One proxy's listening socket(s) and what its loops share: a {@link Listener} per loop (its
 * connections, its drain), the per-client connection counts, and the totals. On one loop it
 * listens with that loop; on a {@link LoopGroup} every loop accepts its own connections
 * (SO_REUSEPORT where the kernel has it, see {@link GroupServer}) and each connection stays on
 * its loop. Every method may be called from any thread.
 */
public final class ListenerGroup {
    /**
     * Called once per loop, on that loop's thread, with the loop's listener; returns what makes
     * the session of each connection accepted there. What it creates for the loop (a pool of
     * upstream connections) it may stop with {@link Listener#onStop}.
     */
    public interface PerLoop extends Function<Listener, Supplier<Protocol>> {
    }

    private final ProxyPolicy policy;
    private final ProxyEvents events;
    private final ClientCounts perClient = new ClientCounts();
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder tunnels = new LongAdder();
    private final List<Listener> listeners = new ArrayList<>();
    private volatile Server server;
    private volatile InetSocketAddress address;

    private ListenerGroup(ProxyPolicy policy, ProxyEvents events) {
        this.policy = policy;
        this.events = events;
    }

    private static ServerOptions serverOptions(ProxyPolicy policy) {
        return ServerOptions.builder()
                .writeBufferLimits(policy.relay().writeBufferHigh(), policy.relay().writeBufferLow()).build();
    }

    /** Listens on {@code address} with {@code loop} once the policy allows it. */
    public static Promise<ListenerGroup> open(EventLoop loop, InetSocketAddress address, ProxyPolicy policy,
            ProxyEvents events, PerLoop perLoop) {
        try {
            policy.checkListen(address);
        } catch (IllegalArgumentException e) {
            return Promise.failed(loop, e);
        }
        ListenerGroup g = new ListenerGroup(policy, events);
        Listener l = new Listener(loop, g);
        g.listeners.add(l);
        Supplier<Protocol> sessions = perLoop.apply(l);
        return Net.createServer(loop, sessions, address, serverOptions(policy)).map(s -> {
            g.server = s;
            g.address = (InetSocketAddress) s.addresses().get(0);
            return g;
        });
    }

    /**
     * Listens on {@code address} with every loop of {@code group}; {@code perLoop} is called once
     * on each loop's thread and makes that loop's sessions, so what they share (a pool of
     * upstream connections) is confined to the loop. Blocks until every loop listens: call it
     * from a thread outside the group.
     *
     * @throws IllegalArgumentException if the policy does not allow listening there
     */
    public static ListenerGroup open(LoopGroup group, InetSocketAddress address, ProxyPolicy policy, ProxyEvents events,
            PerLoop perLoop) throws IOException {
        policy.checkListen(address);
        ListenerGroup g = new ListenerGroup(policy, events);
        Map<EventLoop, Listener> made = new ConcurrentHashMap<>();
        GroupServer s = Net.createServer(group, loop -> {
            Listener l = new Listener(loop, g);
            made.put(loop, l);
            return perLoop.apply(l);
        }, address, serverOptions(policy));
        for (EventLoop loop : group.loops()) {
            Listener l = made.get(loop);
            if (l != null) {
                g.listeners.add(l);
            }
        }
        g.server = s;
        g.address = (InetSocketAddress) s.addresses().get(0);
        return g;
    }

    ProxyPolicy policy() {
        return policy;
    }

    ProxyEvents events() {
        return events;
    }

    ClientCounts perClient() {
        return perClient;
    }

    AtomicInteger activeCounter() {
        return active;
    }

    LongAdder tunnelCounter() {
        return tunnels;
    }

    /** The first loop: where work for the whole proxy (health checks) runs. */
    public EventLoop firstLoop() {
        return listeners.get(0).loop();
    }

    /** The per-loop listeners, in the group's loop order. */
    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Client connections held now over every loop (a racy sum). */
    public int active() {
        return active.get();
    }

    public long tunnelsOpened() {
        return tunnels.sum();
    }

    /** Connections {@code client} holds now over every loop (racy; for tests and stats). */
    public int heldBy(java.net.InetAddress client) {
        return perClient.held(client);
    }

    /** Stops accepting on every loop. Idempotent. */
    void stopAccepting() {
        Server s = server;
        if (s instanceof GroupServer) {
            s.close();
        } else {
            Listener only = listeners.get(0);
            onLoop(only.loop(), s::close);
        }
    }

    /**
     * Stops accepting; on every loop lets the connections finish, aborting what is left after
     * {@code deadline}. The promise (of the first loop) completes when no connection is left on
     * any loop. Idempotent.
     */
    public Promise<Void> drain(Duration deadline) {
        Promise<Void> all = new Promise<>(firstLoop());
        AtomicInteger left = new AtomicInteger(listeners.size());
        for (Listener l : listeners) {
            onLoop(l.loop(), () -> l.drain(deadline).whenComplete((v, e) -> {
                if (left.decrementAndGet() == 0) {
                    all.complete(null);
                }
            }));
        }
        return all;
    }

    /** Stops accepting and aborts every connection now, each on its loop. */
    public void close() {
        stopAccepting();
        for (Listener l : listeners) {
            onLoop(l.loop(), l::abortAll);
        }
    }

    private static void onLoop(EventLoop loop, Runnable r) {
        if (loop.inLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }
}
