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
import io.weft.proxy.ProxyHandshakeException;
import io.weft.proxy.ProxyHandshakeException.Reason;
import io.weft.proxy.internal.Failures;
import io.weft.proxy.internal.Listener;
import io.weft.proxy.internal.Upstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;

/**
 * One client of the HTTP proxy. Requests are served one at a time (a pipelined request waits in
 * the buffer until the response before it is done):
 * <pre>
 *   HEAD --CONNECT host:port--&gt; CONNECTING --200--&gt; the relay takes over
 *   HEAD --GET http://host/...--&gt; CONNECTING --head sent--&gt; BODY (request body flows) --&gt; WAITING
 *        --response done--&gt; HEAD again (keep-alive), or close
 *   any --bad request, refusal, upstream failure--&gt; an error status and close
 * </pre>
 * Each forward request gets a new upstream connection with {@code Connection: close}; the
 * response's framing (Content-Length, chunked, or none) tells where it ends, so the client's
 * connection stays open unless the response runs to the upstream's close. Heads are bounded by
 * weft-http's parse limits; bodies flow with backpressure both ways. Loop thread.
 */
public final class HttpProxySession implements Protocol {
    private static final ParseLimits LIMITS = ParseLimits.DEFAULTS;

    private enum State { HEAD, CONNECTING, BODY, WAITING, TUNNEL, CLOSED }

    private final Listener listener;
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

    public HttpProxySession(Listener listener) {
        this.listener = listener;
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
        if (head.method() == Methods.CONNECT) {
            connect(after);
        } else {
            forward(after);
        }
    }

    // ---- CONNECT ----

    private void connect(int after) {
        String target = head.target();
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(target.substring(colon + 1));
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

    /** The bytes after the head, as a buffer of their own; the session's buffer is left empty. */
    private ByteBuffer takeRest(int after) {
        ByteBuffer rest = ByteBuffer.allocate(len - after);
        rest.put(buf, after, len - after).flip();
        len = 0;
        return rest;
    }

    // ---- forwarding ----

    private void forward(int after) {
        String target = head.target();
        String lower = target.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://")) {
            if (target.startsWith("/")) {
                reject(400, "Bad Request", new ProxyHandshakeException(Reason.MALFORMED,
                        "an origin-form request to a proxy: send the absolute URI (http://host/path)"));
            } else {
                reject(501, "Not Implemented", new ProxyHandshakeException(Reason.UNSUPPORTED,
                        "only http:// URIs are forwarded; use CONNECT for https"));
            }
            return;
        }
        int authStart = 7;
        int authEnd = authStart;
        while (authEnd < target.length() && "/?#".indexOf(target.charAt(authEnd)) < 0) {
            authEnd++;
        }
        String authority = target.substring(authStart, authEnd);
        String path = authEnd == target.length() ? "/" : target.charAt(authEnd) == '?' ? "/" + target.substring(authEnd)
                : target.substring(authEnd);
        String host;
        int port = 80;
        int colon = authority.lastIndexOf(':');
        if (authority.isEmpty() || authority.indexOf('@') >= 0) {
            reject(400, "Bad Request", new ProxyHandshakeException(Reason.MALFORMED,
                    "the URI's authority must be host[:port], without user information"));
            return;
        }
        if (colon > authority.lastIndexOf(']')) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                reject(400, "Bad Request", new ProxyHandshakeException(Reason.MALFORMED, "a bad port in " + authority));
                return;
            }
        } else {
            host = authority;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        keepAlive = head.keepAlive();
        boolean headRequest = head.method() == Methods.HEAD;
        byte[] upstreamHead = Heads.request(head.method(), path, head.minorVersion(), authority, head.fields());
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
        String name = host;
        resolveThen(host, port, addresses -> {
            Exchange ex = new Exchange(this, headRequest);
            Promise<Exchange> c = Net.createConnection(listener.loop(), () -> ex,
                    new InetSocketAddress(addresses.get(0), p), listener.connectOptions());
            pending = c;
            c.whenComplete((up, e) -> {
                pending = null;
                if (state != State.CONNECTING) {
                    if (up != null) {
                        up.abortUpstream();
                    }
                    return;
                }
                if (e != null || up.lost()) {
                    upstreamFailed(name + ":" + p, e);
                    return;
                }
                exchange = up;
                up.send(first);
                if (requestBody.done()) {
                    state = State.WAITING;
                } else {
                    state = State.BODY;
                    if (!up.upstreamPaused()) {
                        client.resumeReading();
                    }
                }
            });
        });
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

    /** The upstream failed before the response head was sent: answer 502 (still possible) or cut the client. */
    void upstreamBroke(Throwable cause, boolean headSent) {
        if (state == State.CLOSED) {
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
