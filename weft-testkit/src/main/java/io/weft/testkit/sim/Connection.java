package io.weft.testkit.sim;

import java.net.SocketAddress;

/**
 * A simulated TCP connection: two {@link Side}s joined by two {@link Pipe}s, and what the
 * network does between them: segments arrive after a drawn delay, held back while the hosts are
 * partitioned (retransmitted every {@link SimNetwork#RETRANSMIT} until healed); a FIN follows the
 * last bytes; an RST follows whatever was already sent. Closing an end follows the kernel:
 * a FIN after the bytes still queued, but an RST when unread bytes are left behind or arrive
 * later. Simulation's thread only.
 */
final class Connection {
    final long id;
    final SimNetwork net;
    final Side client;
    final Side server;

    Connection(SimNetwork net, long id, SimHost clientHost, SocketAddress clientAddress, SimHost serverHost,
            SocketAddress serverAddress, int toServer, int toClient) {
        this.net = net;
        this.id = id;
        Pipe up = new Pipe(toServer);
        Pipe down = new Pipe(toClient);
        this.client = new Side(this, clientHost, clientAddress, serverAddress, down, up);
        this.server = new Side(this, serverHost, serverAddress, clientAddress, up, down);
        client.peer = server;
        server.peer = client;
    }

    /** Sends bytes from {@code from} to its peer. */
    void send(Side from, byte[] data) {
        long when = from.out.send(data, net.now() + net.latency(from.host, from.peer.host));
        net.events().at(when, () -> arrive(from.peer));
    }

    void shutdownOutput(Side s) {
        if (s.outputShut || s.resetArrived) {
            return;
        }
        s.outputShut = true;
        long when = s.out.sendFin(net.now() + net.latency(s.host, s.peer.host));
        net.events().at(when, () -> arrive(s.peer));
    }

    /** Segments due for {@code to} arrive, unless a partition holds them back. */
    void arrive(Side to) {
        Pipe p = to.in;
        long now = net.now();
        if (p.nextArrival() > now) {
            return;
        }
        if (net.partitioned(to.peer.host, to.host)) {
            net.trace().event(now, "held", id);
            net.events().at(now + SimNetwork.RETRANSMIT, () -> arrive(to));
            return;
        }
        long moved = p.arrive(now, net.trace(), id);
        if (to.appClosed && moved > 0 && !to.resetArrived) {
            reset(to); // bytes for a closed socket: its kernel answers with an RST
        }
    }

    /** The application closed {@code s}: FIN after what is queued, or RST if it left bytes unread. */
    void close(Side s) {
        if (s.appClosed) {
            return;
        }
        s.appClosed = true;
        net.sideClosed();
        if (s.resetArrived) {
            return;
        }
        if (s.in.unread() > 0) {
            reset(s);
        } else {
            shutdownOutput(s);
        }
    }

    /** Closes {@code s} with an RST whatever it holds (a listener closing on connections it never accepted). */
    void abort(Side s) {
        if (s.appClosed) {
            return;
        }
        s.appClosed = true;
        net.sideClosed();
        if (!s.resetArrived) {
            reset(s);
        }
    }

    /** {@code s} sends an RST: its own queues are dropped, and the peer hears it after what {@code s} already sent. */
    void reset(Side s) {
        long now = net.now();
        net.trace().event(now, "rst", id);
        s.in.clear();
        s.resetArrived = true; // this end is dead too: nothing more to read or write
        Side to = s.peer;
        long when = Math.max(now + net.latency(s.host, to.host), s.out.lastArrival());
        net.events().at(when, () -> resetArrives(to));
    }

    private void resetArrives(Side to) {
        if (to.resetArrived) {
            return;
        }
        net.trace().event(net.now(), "rst-arrived", id);
        to.resetArrived = true;
        to.out.dropInFlight(); // what it had not sent is gone
    }

    /** A fault: something between the hosts resets the connection, both ways at once. */
    void injectReset() {
        if (client.resetArrived && server.resetArrived) {
            return;
        }
        net.trace().event(net.now(), "fault-reset", id);
        for (Side s : new Side[] {client, server}) {
            if (!s.resetArrived) {
                s.resetArrived = true;
                s.out.dropInFlight(); // what arrived stays readable, then reads fail
            }
        }
    }
}
