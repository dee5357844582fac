package io.weft.proxy;

import io.weft.future.Promise;
import io.weft.net.Protocol;
import io.weft.net.Relay;
import io.weft.net.Transport;
import io.weft.proxy.internal.Listener;
import io.weft.proxy.internal.Upstream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One client of a {@link TcpBalancer}: it stops reading, connects to the servers in the
 * balancer's order until one answers, then hands both connections to a relay. What the client
 * sent meanwhile stays in the kernel's receive buffer. Its loop's thread; the balancer and its
 * backends are shared by every loop (see {@link Backend}).
 */
final class BalancerSession implements Protocol {
    private final TcpBalancer balancer;
    private final Listener listener;
    private Transport client;
    private Promise<Upstream> pending;
    private boolean over;

    BalancerSession(TcpBalancer balancer, Listener listener) {
        this.balancer = balancer;
        this.listener = listener;
    }

    @Override
    public void connectionMade(Transport t) {
        client = t;
        if (!listener.admit(t)) {
            over = true;
            return;
        }
        t.pauseReading();
        attempt(balancer.order(), 0);
    }

    private void attempt(List<Backend> order, int i) {
        if (i >= order.size()) {
            over = true;
            listener.handshakeFailed(client, new ProxyHandshakeException(ProxyHandshakeException.Reason.UPSTREAM_FAILED,
                    "no server answered (" + order.size() + " tried)"));
            return;
        }
        Backend b = order.get(i);
        // Counted from the attempt on, so that other loops choosing at the same moment see it.
        b.active.incrementAndGet();
        pending = listener.connect(b.address());
        pending.whenComplete((up, e) -> {
            pending = null;
            if (over) {
                b.active.decrementAndGet();
                if (up != null) {
                    up.transport().abort();
                }
                return;
            }
            if (e != null || !up.usable()) {
                b.active.decrementAndGet();
                attempt(order, i + 1);
                return;
            }
            over = true;
            Relay relay = listener.tunnel(client, up.transport(), null);
            if (relay == null) {
                b.active.decrementAndGet();
                return;
            }
            b.connections.increment();
            relay.closed().whenComplete((v, x) -> b.active.decrementAndGet());
        });
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        // Not reading until the relay takes over.
        throw new IllegalStateException("client data before the relay started");
    }

    @Override
    public void connectionLost(Throwable cause) {
        over = true;
        if (pending != null) {
            pending.cancel();
        }
        listener.release(client);
    }
}
