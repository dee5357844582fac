package io.weft.http.internal.client;

import io.weft.http.client.HttpTimeoutException;
import io.weft.http.client.MalformedResponseException;
import io.weft.http.client.PrematureEndException;
import io.weft.http.internal.parse.ChunkedDecoder;
import io.weft.http.internal.parse.Fields;
import io.weft.http.internal.parse.ParseException;
import io.weft.http.internal.parse.RequestParser;
import io.weft.http.internal.parse.ResponseHead;
import io.weft.http.internal.parse.ResponseParser;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One client connection: sends an exchange's request, parses the response head, frames the body
 * (length, chunked, or until close) and hands it on, then goes back to its pool if both sides
 * allow keep-alive. One exchange at a time (no pipelining). Loop thread only.
 *
 * <pre>
 *   IDLE --send--&gt; HEAD --head--&gt; BODY --end--&gt; IDLE (pooled) | CLOSED
 * </pre>
 */
public final class ClientConnection implements Protocol {
    private enum State { CONNECTING, IDLE, HEAD, BODY, CLOSED }

    final HostPool pool;
    private final EventLoop loop;
    private Transport transport;
    private State state = State.CONNECTING;
    private byte[] in = new byte[8192];
    private ByteBuffer inView = ByteBuffer.wrap(in);
    private int inStart;
    private int inEnd;
    private int scanned;
    private final ResponseHead head = new ResponseHead();
    private Exchange exchange;
    private ChunkedDecoder decoder;
    private long remaining;
    private long received;
    private boolean reused;
    private boolean processing;

    private TimerHandle timer;
    private long deadline;
    private HttpTimeoutException.Kind deadlineKind;
    private long lastActivity;
    private TimerHandle idleTimer;

    ClientConnection(HostPool pool, EventLoop loop) {
        this.pool = pool;
        this.loop = loop;
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        state = State.IDLE;
    }

    /** Sends {@code ex}'s request; the connection is idle. */
    void send(Exchange ex, byte[] requestBytes) {
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
        exchange = ex;
        ex.connection = this;
        state = State.HEAD;
        received = 0;
        decoder = null;
        transport.write(ByteBuffer.wrap(requestBytes));
        if (!transport.isReading()) {
            transport.resumeReading();
        }
        arm(HttpTimeoutException.Kind.HEAD, pool.client.options.headTimeout());
    }

    boolean reused() {
        return reused;
    }

    boolean isOpen() {
        return state == State.IDLE && !transport.isClosing();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        int n = data.remaining();
        if (state != State.HEAD && state != State.BODY) {
            // bytes while idle: the server is broken or closing; this connection cannot be reused
            abort();
            return;
        }
        if (in.length - inEnd < n) {
            if (inStart > 0) {
                System.arraycopy(in, inStart, in, 0, inEnd - inStart);
                inEnd -= inStart;
                scanned -= inStart;
                inStart = 0;
            }
            if (in.length - inEnd < n) {
                in = Arrays.copyOf(in, Math.max(in.length * 2, inEnd + n));
                inView = ByteBuffer.wrap(in);
            }
        }
        data.get(in, inEnd, n);
        inEnd += n;
        lastActivity = loop.time();
        process();
    }

    private void process() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            while (exchange != null && inStart < inEnd) {
                if (state == State.HEAD) {
                    if (!parseHead()) {
                        return;
                    }
                } else if (state == State.BODY) {
                    body();
                    if (state == State.BODY) {
                        return;
                    }
                } else {
                    return;
                }
            }
            if (state == State.IDLE && inStart < inEnd) {
                fail(new MalformedResponseException("the server sent " + (inEnd - inStart)
                        + " bytes past the end of the response body"));
            }
        } catch (ParseException e) {
            fail(new MalformedResponseException(e.getMessage()));
        } finally {
            processing = false;
        }
    }

    private boolean parseHead() throws ParseException {
        int end = RequestParser.headEnd(in, inStart, scanned, inEnd);
        if (end < 0) {
            scanned = inEnd;
            ResponseParser.checkIncomplete(in, inStart, inEnd, pool.client.options.maxHeadBytes());
            return false;
        }
        if (ResponseParser.parse(in, inStart, end, pool.client.options.maxHeadBytes(), exchange.isHead(), head) != end) {
            // CRLF CRLF inside what the parser still reads as the status line: never a valid head
            throw new ParseException(400, "a response head that ends before its status line does");
        }
        Fields fields = head.fields().copy(inStart, end);
        inStart = end;
        scanned = end;
        if (head.status() / 100 == 1) {
            return true; // 100 Continue and other interim responses: the real one follows
        }
        state = State.BODY;
        switch (head.framing()) {
            case NONE -> remaining = 0;
            case LENGTH -> remaining = head.contentLength();
            case CHUNKED -> decoder = new ChunkedDecoder(4096, pool.client.options.maxHeadBytes());
            case UNTIL_CLOSE -> remaining = Long.MAX_VALUE;
        }
        arm(HttpTimeoutException.Kind.BODY_IDLE, pool.client.options.bodyIdleTimeout());
        if (!exchange.onHead(head.status(), fields)) {
            return false; // the exchange gave up (its handler threw); it aborted us
        }
        if (head.framing() == ResponseHead.Framing.NONE || head.framing() == ResponseHead.Framing.LENGTH && remaining == 0) {
            bodyDone();
        }
        return true;
    }

    private final ChunkedDecoder.Sink sink = this::deliver;

    private void body() throws ParseException {
        if (decoder != null) {
            int from = inStart;
            int to = inEnd;
            inStart = to;
            inStart = decoder.decode(in, from, to, sink);
            if (decoder.isDone() && state == State.BODY) {
                bodyDone();
            }
        } else {
            int n = (int) Math.min(remaining, inEnd - inStart);
            int from = inStart;
            inStart += n;
            if (remaining != Long.MAX_VALUE) {
                remaining -= n;
            }
            deliver(in, from, n);
            if (remaining == 0 && state == State.BODY) {
                bodyDone();
            }
        }
        scanned = inStart;
    }

    private void deliver(byte[] b, int off, int len) {
        if (len == 0 || exchange == null) {
            return;
        }
        received += len;
        inView.limit(off + len).position(off);
        exchange.onData(inView);
    }

    private void bodyDone() {
        Exchange ex = exchange;
        exchange = null;
        disarm();
        boolean keep = head.keepAlive() && head.framing() != ResponseHead.Framing.UNTIL_CLOSE && !transport.isClosing();
        if (keep && inStart == inEnd) {
            state = State.IDLE;
            reused = true;
            inStart = inEnd = scanned = 0;
            Exchange done = ex;
            pool.release(this);
            done.onEnd();
        } else if (keep) {
            // Bytes beyond the announced body, and no request of ours they could answer.
            exchange = ex;
            fail(new MalformedResponseException("the server sent " + (inEnd - inStart)
                    + " bytes past the end of the response body"));
        } else {
            state = State.CLOSED;
            transport.close();
            pool.gone(this);
            ex.onEnd();
        }
    }

    /** Starts this idle connection's idle timer. */
    void idle(java.time.Duration timeout) {
        if (timeout != null) {
            idleTimer = loop.callLater(timeout, this::abort);
        }
    }

    @Override
    public boolean eofReceived() {
        if (state == State.BODY && head.framing() == ResponseHead.Framing.UNTIL_CLOSE) {
            bodyDone();
        } else if (exchange != null) {
            fail(state == State.HEAD
                    ? new PrematureEndException("the server closed the connection before the response head"
                            + (received == 0 && inStart == inEnd ? "" : " was complete"), 0)
                    : new PrematureEndException("the server closed the connection after " + received
                            + " body bytes, before the body's end" + (head.framing() == ResponseHead.Framing.LENGTH
                            ? " (" + head.contentLength() + " announced)" : " (no last chunk)"), received));
        }
        return false;
    }

    @Override
    public void connectionLost(Throwable cause) {
        State was = state;
        state = State.CLOSED;
        disarm();
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
        pool.gone(this);
        Exchange ex = exchange;
        exchange = null;
        if (ex != null) {
            if (was == State.BODY && head.framing() == ResponseHead.Framing.UNTIL_CLOSE && cause == null) {
                ex.onEnd();
            } else {
                ex.onError(cause != null ? cause
                        : new PrematureEndException("the connection closed before the response was complete", received),
                        was == State.HEAD && received == 0 && inStart == inEnd);
            }
        }
    }

    /** Fails the current exchange and drops the connection. */
    private void fail(Throwable cause) {
        Exchange ex = exchange;
        exchange = null;
        abort();
        if (ex != null) {
            ex.onError(cause, false);
        }
    }

    /** Drops the connection at once. */
    void abort() {
        state = State.CLOSED;
        disarm();
        if (transport != null) {
            transport.abort();
        }
        pool.gone(this);
    }

    /** Stops reading while the consumer is slow (flow control to the server). */
    void pauseReading() {
        if (transport != null) {
            transport.pauseReading();
        }
    }

    void resumeReading() {
        if (transport != null && !transport.isClosing()) {
            transport.resumeReading();
        }
    }

    // ---- head and body-idle deadlines: one timer, re-armed lazily as bytes arrive ----

    private void arm(HttpTimeoutException.Kind kind, java.time.Duration timeout) {
        deadlineKind = kind;
        if (timeout == null) {
            disarm();
            return;
        }
        deadline = timeout.toNanos();
        lastActivity = loop.time();
        if (timer == null) {
            timer = loop.callLater(timeout, this::onTimer);
        }
    }

    private void disarm() {
        deadlineKind = null;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void onTimer() {
        timer = null;
        if (deadlineKind == null || exchange == null) {
            return;
        }
        long due = lastActivity + deadline;
        long now = loop.time();
        if (due - now > 0) {
            timer = loop.callLater(java.time.Duration.ofNanos(due - now), this::onTimer);
            return;
        }
        HttpTimeoutException.Kind kind = deadlineKind;
        fail(new HttpTimeoutException(kind, kind == HttpTimeoutException.Kind.HEAD
                ? "no response head within " + pool.client.options.headTimeout()
                : "no body byte for " + pool.client.options.bodyIdleTimeout() + " after " + received + " bytes"));
    }
}
