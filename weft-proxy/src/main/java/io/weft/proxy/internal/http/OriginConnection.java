package io.weft.proxy.internal.http;

import io.weft.loop.TimerHandle;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The protocol of one connection to an origin server, which carries one {@link Exchange} at a
 * time and rests in the {@link OriginPool} between them:
 * <pre>
 *   connected --attach--&gt; BUSY (events go to the exchange) --exchange done cleanly--&gt; IDLE (pooled)
 *   IDLE --attach--&gt; BUSY        IDLE --origin closes, sends, resets, idle timeout--&gt; gone
 *   BUSY --anything else--&gt; closed, never pooled
 * </pre>
 * While idle it keeps reading, so an origin that closes a kept-alive connection is heard at
 * once and the connection leaves the pool; a byte that arrives unasked means the origin and the
 * proxy disagree about where a response ended, so the connection is aborted. Loop thread.
 */
final class OriginConnection implements Protocol {
    private final OriginPool pool;
    private final InetSocketAddress origin;
    private Transport transport;
    private Exchange user;
    private TimerHandle idleTimer;
    private boolean lost;
    private int exchanges;

    OriginConnection(OriginPool pool, InetSocketAddress origin, Exchange first) {
        this.pool = pool;
        this.origin = origin;
        this.user = first;
    }

    InetSocketAddress origin() {
        return origin;
    }

    Transport transport() {
        return transport;
    }

    /** Whether an earlier exchange used it (it came from the pool). */
    boolean reused() {
        return exchanges > 1;
    }

    boolean usable() {
        return transport != null && !lost && !transport.isClosing();
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        exchanges = 1;
        user.connectionMade(t);
    }

    /** Hands the idle connection to {@code exchange}. */
    void attach(Exchange exchange) {
        cancelIdleTimer();
        user = exchange;
        exchanges++;
        exchange.connectionMade(transport);
    }

    /** The exchange is over and the connection is clean: it rests in the pool (or closes if the pool is full). */
    void detach() {
        user = null;
        transport.resumeReading(); // the exchange may have paused it for a slow client
        pool.give(this);
    }

    void idleFor(java.time.Duration timeout) {
        idleTimer = pool.loop().callLater(timeout, this::idleTimedOut);
    }

    private void idleTimedOut() {
        idleTimer = null;
        if (user == null) {
            pool.forget(this);
            transport.close();
        }
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    /** Closes it while idle (the pool stops, or is full). */
    void closeIdle() {
        cancelIdleTimer();
        transport.close();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (user != null) {
            user.dataReceived(data);
            return;
        }
        data.position(data.limit());
        pool.forget(this);
        cancelIdleTimer();
        transport.abort();
    }

    @Override
    public boolean eofReceived() {
        if (user != null) {
            return user.eofReceived();
        }
        pool.forget(this);
        cancelIdleTimer();
        return false;
    }

    @Override
    public void pauseWriting() {
        if (user != null) {
            user.pauseWriting();
        }
    }

    @Override
    public void resumeWriting() {
        if (user != null) {
            user.resumeWriting();
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost = true;
        cancelIdleTimer();
        if (user != null) {
            user.connectionLost(cause);
        } else {
            pool.forget(this);
        }
    }
}
