package io.weft.testkit.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.SplittableRandom;

/**
 * One connection through a {@link FaultProxy}: the socket the proxy accepted from the client,
 * the one it opened to the upstream, and a {@link Pump} for each direction, each on its own
 * thread. Closes both sockets once both directions have ended; with RST at once on a reset or
 * when either side fails; on a truncation, the sender's at once and the receiver's once it
 * closes. Thread-safe.
 */
final class Link {
    private final FaultProxy proxy;
    private final int id;
    private final Socket client;
    private Socket upstream;
    private boolean closed;
    private int pumpsDone;
    /** After a truncation: the sender's socket, closed; what its peer still sends is drained. */
    private Socket cutSender;

    Link(FaultProxy proxy, int id, Socket client) {
        this.proxy = proxy;
        this.id = id;
        this.client = client;
    }

    int id() {
        return id;
    }

    /** On the link's first thread: connects upstream, starts the pump back, pumps this way. */
    void run(InetSocketAddress to, int connectTimeoutMillis, int socketBuffer, long seed) {
        Socket up = new Socket();
        try {
            FaultProxy.tune(up, socketBuffer);
            synchronized (this) {
                if (closed) {
                    up.close();
                    return;
                }
                upstream = up;
            }
            up.connect(to, connectTimeoutMillis);
        } catch (IOException e) {
            reset(); // the upstream refused or did not answer: the client sees a reset
            proxy.linkEnded(this);
            return;
        }
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (id + 1)));
        Pump back = new Pump(this, up, client, proxy.toClient(), random.split());
        Pump forth = new Pump(this, client, up, proxy.toUpstream(), random.split());
        if (!proxy.startThread(back, "fault-proxy-" + proxy.port() + "-" + id + "-to-client")) {
            closeBoth(false);
            proxy.linkEnded(this);
            return;
        }
        forth.run();
    }

    synchronized void shutdownOutput(Socket s) {
        if (closed || s == cutSender) {
            return;
        }
        try {
            s.shutdownOutput();
        } catch (IOException e) {
            closeBoth(true);
        }
    }

    /**
     * A truncation of the direction {@code from} → {@code to}: {@code to} gets FIN after the
     * bytes already written, and {@code from}, the sender, is closed. What {@code to}'s side
     * still sends is read and dropped until it closes too, so that closing its socket later
     * finds nothing unread and sends FIN, not RST.
     */
    synchronized void truncate(Socket from, Socket to) {
        if (closed) {
            return;
        }
        cutSender = from;
        try {
            to.shutdownOutput();
        } catch (IOException e) {
            closeBoth(true);
            return;
        }
        closeQuietly(from, false);
    }

    /** Whether {@code s} is the sender a truncation closed: writes to it fail, and that is expected. */
    synchronized boolean isCutSender(Socket s) {
        return s == cutSender;
    }

    /** Both sides closed with RST. */
    void reset() {
        closeBoth(true);
    }

    /** One side failed (reset, or gone): the other side gets a reset. */
    void broken() {
        closeBoth(true);
    }

    void close() {
        closeBoth(false);
    }

    void pumpDone() {
        boolean last;
        synchronized (this) {
            last = ++pumpsDone == 2;
        }
        if (last) {
            closeBoth(false);
            proxy.linkEnded(this);
        }
    }

    private synchronized void closeBoth(boolean rst) {
        if (closed) {
            return;
        }
        closed = true;
        proxy.linkEnded(this); // ended before either side can hear of it; its threads notice later
        closeQuietly(client, rst);
        if (upstream != null) {
            closeQuietly(upstream, rst);
        }
    }

    private static void closeQuietly(Socket s, boolean rst) {
        try {
            if (rst && !s.isClosed()) {
                s.setSoLinger(true, 0); // close() then sends RST and drops what is unsent
            }
        } catch (IOException e) {
            // not connected (yet): a plain close is all there is
        }
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
