package io.weft.testkit.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.SplittableRandom;

/**
 * One connection through a {@link FaultProxy}: the socket the proxy accepted from the client,
 * the one it opened to the upstream, and a {@link Pump} for each direction, each on its own
 * thread. Closes both sockets once both directions have ended, at once on a truncation, and
 * with RST on a reset or when either side fails. Thread-safe.
 */
final class Link {
    private final FaultProxy proxy;
    private final int id;
    private final Socket client;
    private Socket upstream;
    private boolean closed;
    private int pumpsDone;

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
        if (closed) {
            return;
        }
        try {
            s.shutdownOutput();
        } catch (IOException e) {
            closeBoth(true);
        }
    }

    /** A truncation: both sides closed with FIN. */
    void truncate() {
        closeBoth(false);
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
