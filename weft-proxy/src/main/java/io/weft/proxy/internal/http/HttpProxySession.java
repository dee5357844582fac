package io.weft.proxy.internal.http;

import io.weft.future.Promise;
import io.weft.http.internal.parse.Methods;
import io.weft.http.internal.parse.ParseException;
import io.weft.http.internal.parse.ParseLimits;
import io.weft.http.internal.parse.RequestHead;
import io.weft.http.internal.parse.RequestParser;
import io.weft.loop.TimerHandle;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import io.weft.proxy.Credentials;
import io.weft.proxy.ProxyHandshakeException;
import io.weft.proxy.ProxyHandshakeException.Reason;
import io.weft.proxy.internal.Failures;
import io.weft.proxy.internal.Listener;
import io.weft.proxy.internal.Upstream;
import java.util.Set;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One client of the HTTP proxy. Requests are served one at a time (a pipelined request waits in
 * the buffer until the response before it is done):
 * <pre>
 *   HEAD --CONNECT host:port--&gt; CONNECTING --200--&gt; the relay takes over
 *   HEAD --GET http://host/...--&gt; CONNECTING --head sent--&gt; BODY (request body flows) --&gt; WAITING
 *        --response done--&gt; HEAD again (keep-alive), or close
 *   any --bad request, refusal, upstream failure--&gt; an error status and close
 * </pre>
 * With users configured, each request head must carry valid {@code Proxy-Authorization} before
 * anything else happens (else 407 and close). A forward request goes on a pooled origin
 * connection when it can be replayed (no body, an idempotent method), else on a new one; a
 * replayable request whose pooled connection turns out dead before any response byte is sent
 * once more on a new connection. The response's framing (Content-Length, chunked, or none)
 * tells where it ends, so the client's connection stays open unless the response runs to the
 * upstream's close. A 101 to an Upgrade request turns both connections into a relay:
 * <pre>
 *   WAITING --101 (Upgrade asked)--&gt; TUNNEL
 * </pre>
 * Heads are bounded by weft-http's parse limits; bodies flow with backpressure both ways. Loop thread.
 */
public final class HttpProxySession implements Protocol {
    private static final ParseLimits LIMITS = ParseLimits.DEFAULTS;
    /** RFC 9110 9.2.2: the methods a client may repeat; CONNECT never comes here. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private enum State { HEAD, CONNECTING, BODY, WAITING, TUNNEL, CLOSED }

    private final Listener listener;
    private final OriginPool pool;
    private final Credentials users;
    private final RequestHead head = new RequestHead();
    private byte[] buf = new byte[4096];
    private int len;
    private int scanned;
    private State state = State.CLOSED;
    private Transport client;
    private TimerHandle headTimer;
    private Promise<?> pending;
    private Exchange exchange;
    private BodyFrame requestBody;
    private boolean keepAlive;
    // The forward request in flight, kept to send it once more if its pooled connection was dead.
    private InetSocketAddress origin;
    private String originName;
    private byte[] replay;
    private boolean retried;
    private boolean headRequest;
    private String upgrade;

    /**
     * @param pool  this loop's origin connections
     * @param users who may use the proxy, or null for anybody
     */
    public HttpProxySession(Listener listener, OriginPool pool, Credentials users) {
        this.listener = listener;
        this.pool = pool;
        this.users = users;
    }

    @Override
    public void connectionMade(Transport t) {
        client = t;
        if (!listener.admit(t)) {
            return;
        }
        enterHead();
    }

    private void enterHead() {
        state = State.HEAD;
        exchange = null;
        requestBody = null;
        scanned = 0;
        headTimer = listener.loop().callLater(listener.policy().handshakeTimeout(), this::headTimedOut);
        client.resumeReading();
        if (len > 0) {
            parseHead();
        }
    }

    private void headTimedOut() {
        headTimer = null;
        if (state != State.HEAD) {
            return;
        }
        if (len == 0) {
            state = State.CLOSED;
            client.close(); // an idle keep-alive connection: nothing to answer
            return;
        }
        reject(408, "Request Timeout", new ProxyHandshakeException(Reason.TIMEOUT, "no complete request head within "
                + listener.policy().handshakeTimeout().toMillis() + " ms"));
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        switch (state) {
            case HEAD -> {
                append(data);
                parseHead();
            }
            case BODY -> forwardBody(data);
            case CONNECTING, WAITING -> append(data); // the next request, read before the pause took effect
            default -> data.position(data.limit());
        }
    }

    private void append(ByteBuffer data) {
        int n = data.remaining();
        if (len + n > buf.length) {
            // Bounded: past the head limit parseHead rejects, and outside HEAD reading is paused.
            byte[] grown = new byte[Math.max(buf.length * 2, len + n)];
            System.arraycopy(buf, 0, grown, 0, len);
            buf = grown;
        }
        data.get(buf, len, n);
        len += n;
    }

    private void parseHead() {
        int after;
        try {
            int end = RequestParser.headEnd(buf, 0, scanned, len);
            scanned = len;
            if (end == RequestParser.INCOMPLETE) {
                RequestParser.checkIncomplete(buf, 0, len, LIMITS);
                return;
            }
            after = RequestParser.parse(buf, 0, end, LIMITS, head, true);
        } catch (ParseException e) {
            reject(e.status(), reason(e.status()), new ProxyHandshakeException(e.status() == 501 ? Reason.UNSUPPORTED
                    : Reason.MALFORMED, e.getMessage()));
            return;
        }
        if (after == RequestParser.INCOMPLETE) {
            return;
        }
        cancelHeadTimer();
        client.pauseReading();
        state = State.CONNECTING;
        if (users != null) {
            String refusal = ProxyAuth.refusal(users, head.fields());
            if (refusal != null) {
                state = State.CLOSED;
                client.write(Heads.authenticationRequired(refusal));
                listener.handshakeFailed(client, new ProxyHandshakeException(Reason.AUTHENTICATION, refusal));
                return;
            }
        }
        if (head.method() == Methods.CONNECT) {
            connect(after);
        } else {
            forward(after);
        }
    }

    // ---- CONNECT ----

    private void connect(int after) {
        ProxyTarget target = target(true);
        if (target == null) {
            return;
        }
        String host = target.host();
        int port = target.port();
        ByteBuffer early = takeRest(after);
        String name = host;
        resolveThen(host, port, addresses -> {
            Promise<Upstream> c = listener.connect(new InetSocketAddress(addresses.get(0), port));
            pending = c;
            c.whenComplete((up, e) -> {
                pending = null;
                if (state != State.CONNECTING) {
                    if (up != null) {
                        up.transport().abort();
                    }
                    return;
                }
                if (e != null || !up.usable()) {
                    upstreamFailed(name + ":" + port, e);
                    return;
                }
                client.write(Heads.CONNECTED);
                state = State.TUNNEL;
                listener.tunnel(client, up.transport(), early);
            });
        });
    }

    /** The head's target, for CONNECT or for forwarding; null when it was refused (answered and closing). */
    private ProxyTarget target(boolean connect) {
        try {
            return connect ? ProxyTarget.connect(head.target()) : ProxyTarget.forward(head.target());
        } catch (ProxyTarget.BadTarget e) {
            reject(e.status(), reason(e.status()), e.toHandshakeException());
            return null;
        }
    }

    /** The bytes after the head, as a buffer of their own; the session's buffer is left empty. */
    private ByteBuffer takeRest(int after) {
        ByteBuffer rest = ByteBuffer.allocate(len - after);
        rest.put(buf, after, len - after).flip();
        len = 0;
        return rest;
    }

    // ---- forwarding ----

    private void forward(int after) {
        ProxyTarget target = target(false);
        if (target == null) {
            return;
        }
        String host = target.host();
        int port = target.port();
        String authority = target.authority();
        String path = target.path();
        keepAlive = head.keepAlive();
        headRequest = head.method() == Methods.HEAD;
        boolean hasBody = head.chunked() || head.contentLength() > 0;
        // Upgrade only without a body: after a 101 every byte from the client belongs to the new protocol.
        upgrade = hasBody ? null : Heads.upgradeAsked(head.fields());
        byte[] upstreamHead = Heads.request(head.method(), path, head.minorVersion(), authority, head.fields(),
                pool.enabled() && upgrade == null, upgrade);
        replay = !hasBody && IDEMPOTENT.contains(head.method()) ? upstreamHead : null;
        retried = false;
        requestBody = head.chunked() ? BodyFrame.chunked()
                : head.contentLength() > 0 ? BodyFrame.length(head.contentLength()) : BodyFrame.none();
        // The body bytes that came with the head go up with it; a next request after them stays here.
        int bodyBytes;
        try {
            bodyBytes = requestBody.take(buf, after, len - after);
        } catch (ParseException e) {
            reject(400, "Bad Request", new ProxyHandshakeException(Reason.MALFORMED, e.getMessage()));
            return;
        }
        ByteBuffer first = ByteBuffer.allocate(upstreamHead.length + bodyBytes);
        first.put(upstreamHead).put(buf, after, bodyBytes).flip();
        int used = after + bodyBytes;
        System.arraycopy(buf, used, buf, 0, len - used);
        len -= used;
        int p = port;
        originName = host + ":" + port;
        resolveThen(host, port, addresses -> {
            origin = new InetSocketAddress(addresses.get(0), p);
            OriginConnection pooled = replay != null ? pool.take(origin) : null;
            if (pooled != null) {
                Exchange ex = newExchange();
                ex.bind(pooled);
                pooled.attach(ex);
                started(ex, first);
            } else {
                connectFresh(first);
            }
        });
    }

    private Exchange newExchange() {
        return new Exchange(this, headRequest, upgrade != null, pool.enabled() && upgrade == null);
    }

    /** Sends the request (head and the body bytes that came with it) on a new origin connection. */
    private void connectFresh(ByteBuffer first) {
        Exchange ex = newExchange();
        OriginConnection oc = new OriginConnection(pool, origin, ex);
        ex.bind(oc);
        Promise<OriginConnection> c = Net.createConnection(listener.loop(), () -> oc, origin, listener.connectOptions());
        pending = c;
        c.whenComplete((up, e) -> {
            pending = null;
            if (state != State.CONNECTING) {
                if (up != null) {
                    ex.abortUpstream();
                }
                return;
            }
            if (e != null || ex.lost()) {
                upstreamFailed(originName, e);
                return;
            }
            started(ex, first);
        });
    }

    private void started(Exchange ex, ByteBuffer first) {
        exchange = ex;
        ex.send(first);
        if (requestBody.done()) {
            state = State.WAITING;
        } else {
            state = State.BODY;
            if (!ex.upstreamPaused()) {
                client.resumeReading();
            }
        }
    }

    private void forwardBody(ByteBuffer data) {
        int n;
        try {
            n = requestBody.take(data);
        } catch (ParseException e) {
            exchange.abortUpstream();
            reject(400, "Bad Request", new ProxyHandshakeException(Reason.MALFORMED, e.getMessage()));
            return;
        }
        if (n > 0) {
            int limit = data.limit();
            data.limit(data.position() + n);
            exchange.send(data);
            data.limit(limit);
        }
        if (requestBody.done()) {
            state = State.WAITING;
            client.pauseReading();
            append(data); // a pipelined next request
        }
    }

    /** The request's body has all been read from the client. */
    boolean requestDone() {
        return requestBody == null || requestBody.done();
    }

    // ---- called by the exchange ----

    Transport client() {
        return client;
    }

    /** The upstream's write buffer filled up or drained: stop or resume reading the request body. */
    void upstreamWritable(boolean writable) {
        if (state == State.BODY) {
            if (writable) {
                client.resumeReading();
            } else {
                client.pauseReading();
            }
        }
    }

    /** Whether the client's connection may carry another request after this response. */
    boolean keepAlive(boolean responseAllows) {
        return keepAlive && responseAllows && !listener.draining();
    }

    /** The response has been written to the client; {@code reuse} says whether the connection goes on. */
    void responseDone(boolean reuse) {
        if (state == State.CLOSED) {
            return;
        }
        if (!reuse || !requestDone()) {
            state = State.CLOSED;
            client.close();
            return;
        }
        enterHead();
    }

    /**
     * The upstream failed: send the request once more on a new connection if {@code mayRetry}
     * (it came over a pooled connection, nothing came back) and it can be replayed; else answer
     * 502 if the client has heard nothing yet, or cut the client.
     */
    void upstreamBroke(Throwable cause, boolean headSent, boolean mayRetry) {
        if (state == State.CLOSED || state == State.TUNNEL) {
            return;
        }
        exchange = null;
        if (mayRetry && replay != null && !retried && state == State.WAITING) {
            retried = true;
            state = State.CONNECTING;
            connectFresh(ByteBuffer.wrap(replay));
            return;
        }
        if (headSent) {
            state = State.CLOSED;
            client.abort();
        } else {
            reject(502, "Bad Gateway", new ProxyHandshakeException(Reason.UPSTREAM_FAILED,
                    "the upstream server failed: " + (cause == null ? "it closed without a complete response" : cause.getMessage()), cause));
        }
    }

    /** A 101 answered the upgrade: the client and {@code upstream} become a tunnel, {@code early} going to the client first. */
    void upgraded(Transport upstream, ByteBuffer early) {
        exchange = null;
        state = State.TUNNEL;
        if (early.hasRemaining()) {
            client.write(early);
        }
        listener.tunnel(client, upstream, takeRest(0));
    }

    // ---- shared ----

    private void resolveThen(String host, int port, java.util.function.Consumer<List<InetAddress>> then) {
        Promise<List<InetAddress>> r = listener.resolveAllowed(host, port);
        pending = r;
        r.whenComplete((addresses, e) -> {
            pending = null;
            if (state != State.CONNECTING) {
                return;
            }
            if (e instanceof ProxyHandshakeException p) {
                if (p.reason() == Reason.DESTINATION_DENIED) {
                    reject(403, "Forbidden", p);
                } else {
                    reject(502, "Bad Gateway", p);
                }
            } else if (e != null) {
                reject(502, "Bad Gateway", new ProxyHandshakeException(Reason.UPSTREAM_FAILED, e.toString(), e));
            } else {
                then.accept(addresses);
            }
        });
    }

    private void upstreamFailed(String target, Throwable e) {
        Failures kind = Failures.of(e);
        ProxyHandshakeException x = new ProxyHandshakeException(Reason.UPSTREAM_FAILED, "cannot connect to " + target
                + ": " + (e == null ? "closed" : e.getMessage()), e);
        if (kind == Failures.TIMEOUT) {
            reject(504, "Gateway Timeout", x);
        } else {
            reject(502, "Bad Gateway", x);
        }
    }

    private void reject(int status, String reason, ProxyHandshakeException e) {
        if (state == State.TUNNEL) {
            return;
        }
        state = State.CLOSED;
        cancelHeadTimer();
        if (!client.isClosing()) {
            client.write(Heads.error(status, reason, e.getMessage()));
        }
        listener.handshakeFailed(client, e);
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    private void cancelHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel();
            headTimer = null;
        }
    }

    @Override
    public void pauseWriting() {
        if (exchange != null) {
            exchange.clientWritable(false);
        }
    }

    @Override
    public void resumeWriting() {
        if (exchange != null) {
            exchange.clientWritable(true);
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        if (state != State.CLOSED && state != State.HEAD) {
            listener.events().handshakeFailed(client.remoteAddress(), new ProxyHandshakeException(Reason.CLIENT_GONE,
                    "the client left during a request", cause));
        }
        state = State.CLOSED;
        cancelHeadTimer();
        if (pending != null) {
            pending.cancel();
        }
        if (exchange != null) {
            exchange.abortUpstream();
        }
        listener.release(client);
    }
}
