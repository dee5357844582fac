package io.weft.proxy.internal;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Relay;
import io.weft.net.Transport;
import io.weft.proxy.ProxyEvents;
import io.weft.proxy.ProxyHandshakeException;
import io.weft.proxy.ProxyPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One loop's share of a proxy ({@link ListenerGroup} holds one per loop): the connections
 * accepted on this loop, the policy's admission checks (client networks, and connections per
 * client counted over every loop), the upstream connector, the tunnels, and draining. Each
 * accepted connection gets a session protocol; the session calls {@link #admit} first, and
 * either {@link #release} when it ends on its own or hands the client to {@link #tunnel}, which
 * releases it when the relay ends. Loop thread only (its loop's), except {@link #loop()}.
 */
public final class Listener {
    private final EventLoop loop;
    private final ListenerGroup group;
    private final ProxyPolicy policy;
    private final ProxyEvents events;
    private final Set<Transport> clients = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ConnectOptions connectOptions;
    private final List<Runnable> stopHooks = new ArrayList<>();
    private Promise<Void> drained;
    private TimerHandle drainDeadline;
    /** Written on the loop only; volatile so that stats may read it from any thread. */
    private volatile long admitted;

    Listener(EventLoop loop, ListenerGroup group) {
        this.loop = loop;
        this.group = group;
        this.policy = group.policy();
        this.events = group.events();
        this.connectOptions = ConnectOptions.builder().connectTimeout(policy.connectTimeout())
                .writeBufferLimits(policy.relay().writeBufferHigh(), policy.relay().writeBufferLow()).build();
    }

    public EventLoop loop() {
        return loop;
    }

    public ProxyPolicy policy() {
        return policy;
    }

    public ProxyEvents events() {
        return events;
    }

    /** Connections held now on this loop (in a handshake or a tunnel). */
    public int active() {
        return clients.size();
    }

    /** Clients admitted on this loop since the start. Any thread. */
    public long admittedTotal() {
        return admitted;
    }

    public boolean draining() {
        return drained != null;
    }

    /** Runs {@code hook} when this loop's part of the proxy drains or closes (once). */
    public void onStop(Runnable hook) {
        stopHooks.add(hook);
    }

    private void runStopHooks() {
        List<Runnable> hooks = new ArrayList<>(stopHooks);
        stopHooks.clear();
        for (Runnable r : hooks) {
            r.run();
        }
    }

    /**
     * Admits a new client or aborts it: not from an allowed network, over its connection limit
     * (counted over every loop), or arriving while draining. Call first thing in
     * {@code connectionMade}.
     */
    public boolean admit(Transport client) {
        InetAddress from = addressOf(client.remoteAddress());
        String refusal = null;
        if (draining()) {
            refusal = "the proxy is draining";
        } else if (from == null || !policy.allowsClient(from)) {
            refusal = "not in the allowed client networks";
        } else if (!group.perClient().tryAcquire(from, policy.maxConnectionsPerClient())) {
            refusal = "over " + policy.maxConnectionsPerClient() + " connections from one client";
        }
        if (refusal != null) {
            events.clientRefused(client.remoteAddress(), refusal);
            client.abort();
            return false;
        }
        clients.add(client);
        admitted++; // one writer: this loop
        group.activeCounter().incrementAndGet();
        return true;
    }

    /** The client's connection ended (or was handed over and its tunnel ended). Idempotent per client. */
    public void release(Transport client) {
        if (!clients.remove(client)) {
            return;
        }
        group.perClient().release(addressOf(client.remoteAddress()));
        group.activeCounter().decrementAndGet();
        if (drained != null && clients.isEmpty()) {
            finishDrain();
        }
    }

    /** Reports a failed handshake and closes the client (flushing any error reply already written). */
    public void handshakeFailed(Transport client, ProxyHandshakeException e) {
        events.handshakeFailed(client.remoteAddress(), e);
        client.close();
    }

    /**
     * Resolves {@code host} off the loop (a literal address at once) and keeps the addresses the
     * policy allows for {@code port}. Fails with a {@link ProxyHandshakeException} of reason
     * UNKNOWN_HOST or DESTINATION_DENIED.
     */
    public Promise<List<InetAddress>> resolveAllowed(String host, int port) {
        Promise<InetAddress[]> lookup;
        try {
            lookup = Promise.completed(loop, new InetAddress[] {InetAddress.ofLiteral(host)});
        } catch (IllegalArgumentException notLiteral) {
            lookup = loop.offload(() -> InetAddress.getAllByName(host));
        }
        Promise<List<InetAddress>> out = new Promise<>(loop);
        lookup.whenComplete((all, e) -> {
            if (e != null) {
                out.fail(new ProxyHandshakeException(ProxyHandshakeException.Reason.UNKNOWN_HOST, "cannot resolve " + host, e));
                return;
            }
            List<InetAddress> allowed = new ArrayList<>();
            for (InetAddress a : all) {
                if (port > 0 && policy.allowsDestination(a, port)) {
                    allowed.add(a);
                }
            }
            if (allowed.isEmpty()) {
                out.fail(new ProxyHandshakeException(ProxyHandshakeException.Reason.DESTINATION_DENIED, host + ":" + port
                        + " is outside the destinations this proxy may reach"));
            } else {
                out.complete(allowed);
            }
        });
        out.onCancel(lookup::cancel);
        return out;
    }

    /** Connects upstream with the policy's connect timeout and water marks; the connection does not read yet. */
    public Promise<Upstream> connect(InetSocketAddress to) {
        return Net.createConnection(loop, Upstream::new, to, connectOptions);
    }

    /** The connect options for upstream connections with a protocol of the caller's (HTTP forwarding). */
    public ConnectOptions connectOptions() {
        return connectOptions;
    }

    /**
     * Starts relaying between {@code client} and {@code upstream}, first writing {@code early}
     * (client bytes that came with the handshake, or null) upstream. The client is released when
     * the relay ends. Returns null, having aborted both, if either went away meanwhile (a reset
     * in the same turn as the connect, say): the client's session then hears connectionLost.
     */
    public Relay tunnel(Transport client, Transport upstream, ByteBuffer early) {
        if (client.isClosing() || upstream.isClosing()) {
            upstream.abort();
            client.abort();
            return null;
        }
        if (early != null && early.hasRemaining()) {
            upstream.write(early);
        }
        Relay relay = Relay.start(client, upstream, policy.relay());
        group.tunnelCounter().increment();
        SocketAddress clientAddress = client.remoteAddress();
        events.tunnelOpened(clientAddress, upstream.remoteAddress(), relay);
        relay.closed().whenComplete((v, e) -> {
            release(client);
            events.tunnelClosed(clientAddress, relay);
        });
        return relay;
    }

    /**
     * Stops accepting, lets the connections finish, and aborts those still open after
     * {@code deadline}. The promise completes when none is left. Idempotent.
     */
    public Promise<Void> drain(Duration deadline) {
        if (drained != null) {
            return drained;
        }
        drained = new Promise<>(loop);
        group.stopAccepting();
        runStopHooks();
        if (clients.isEmpty()) {
            finishDrain();
        } else {
            drainDeadline = loop.callLater(deadline, () -> {
                for (Transport t : new ArrayList<>(clients)) {
                    t.abort();
                }
            });
        }
        return drained;
    }

    private void finishDrain() {
        if (drainDeadline != null) {
            drainDeadline.cancel();
        }
        drained.complete(null);
    }

    /** Aborts every connection of this loop now. */
    void abortAll() {
        runStopHooks();
        for (Transport t : new ArrayList<>(clients)) {
            t.abort();
        }
    }

    static InetAddress addressOf(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getAddress() : null;
    }
}
