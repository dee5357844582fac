package io.weft.proxy.internal.http;

import io.weft.http.internal.parse.ParseException;
import io.weft.http.internal.parse.ResponseHead;
import io.weft.http.internal.parse.RequestParser;
import io.weft.http.internal.parse.ResponseParser;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One forwarded request on an {@link OriginConnection}: it sends the rewritten request, reads
 * the response head (1xx interim responses pass through), rewrites it for the client and
 * forwards the body with the framing it came in. When the client's write buffer is over its
 * high-water mark, reading from upstream stops. Loop thread.
 * <pre>
 *   RESPONSE_HEAD --1xx--&gt; RESPONSE_HEAD --final head--&gt; BODY --framing says done / upstream EOF--&gt; DONE
 *   RESPONSE_HEAD --101 to an Upgrade request--&gt; DONE, the session relays both connections
 * </pre>
 * At DONE the origin connection goes back to the pool only if the response said keep-alive,
 * its end was found by its framing (not by the close), nothing followed it, and the request was
 * read whole from the client; otherwise it is closed.
 */
final class Exchange implements Protocol {
    private static final int MAX_HEAD = 16384;

    private enum State { RESPONSE_HEAD, BODY, DONE }

    private final HttpProxySession session;
    private final boolean headRequest;
    private final boolean upgradeAsked;
    private final boolean keepOrigin;
    private final ResponseHead head = new ResponseHead();
    private OriginConnection connection;
    private byte[] buf = new byte[2048];
    private int len;
    /** How far {@code buf} has been searched for the head's end (CRLF CRLF). */
    private int scanned;
    private State state = State.RESPONSE_HEAD;
    private Transport upstream;
    private BodyFrame body;
    private boolean clientReuse;
    private boolean originReuse;
    private boolean headSent;
    private boolean answered;
    private boolean lost;
    private boolean upstreamPaused;

    /**
     * @param keepOrigin whether the request asked the origin to keep the connection (the pool is
     *                   on and this is not an upgrade)
     */
    Exchange(HttpProxySession session, boolean headRequest, boolean upgradeAsked, boolean keepOrigin) {
        this.session = session;
        this.headRequest = headRequest;
        this.upgradeAsked = upgradeAsked;
        this.keepOrigin = keepOrigin;
    }

    void bind(OriginConnection c) {
        connection = c;
    }

    /** Whether the request may be sent again on another connection: it came over a pooled one and no response byte came back. */
    boolean mayRetry() {
        return connection != null && connection.reused() && !answered;
    }

    @Override
    public void connectionMade(Transport t) {
        upstream = t;
    }

    boolean lost() {
        return lost || upstream == null || upstream.isClosing();
    }

    boolean upstreamPaused() {
        return upstreamPaused;
    }

    void send(ByteBuffer data) {
        if (!lost()) {
            upstream.write(data);
        } else {
            data.position(data.limit());
        }
    }

    void abortUpstream() {
        state = State.DONE;
        if (upstream != null) {
            upstream.abort();
        }
    }

    /** The client's write buffer passed a water mark. */
    void clientWritable(boolean writable) {
        if (upstream == null || lost || state == State.DONE) {
            return;
        }
        if (writable) {
            upstream.resumeReading();
        } else {
            upstream.pauseReading();
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        answered |= data.hasRemaining();
        Transport client = session.client();
        if (state == State.BODY) {
            forwardBody(data, client);
            return;
        }
        if (state != State.RESPONSE_HEAD) {
            data.position(data.limit()); // after the body's end: nothing of ours
            return;
        }
        int n = data.remaining();
        if (len + n > buf.length) {
            byte[] grown = new byte[Math.max(buf.length * 2, len + n)];
            System.arraycopy(buf, 0, grown, 0, len);
            buf = grown;
        }
        data.get(buf, len, n);
        len += n;
        parseHeads(client);
    }

    private void parseHeads(Transport client) {
        while (state == State.RESPONSE_HEAD) {
            int after;
            try {
                // headEnd first: re-parsing a head that arrives a byte at a time would cost quadratic time
                int end = RequestParser.headEnd(buf, 0, scanned, len);
                scanned = len;
                if (end == RequestParser.INCOMPLETE) {
                    ResponseParser.checkIncomplete(buf, 0, len, MAX_HEAD);
                    return;
                }
                after = ResponseParser.parse(buf, 0, end, MAX_HEAD, headRequest, head);
            } catch (ParseException e) {
                fail(new IOException(e.status() == 431 ? "the upstream's response head is larger than " + MAX_HEAD
                        + " bytes" : "a malformed response from upstream: " + e.getMessage()));
                return;
            }
            if (after == ResponseParser.INCOMPLETE) {
                fail(new IOException("a malformed response from upstream: its head ends inside the status line"));
                return;
            }
            int statusLineEnd = 0;
            while (buf[statusLineEnd] != '\r') {
                statusLineEnd++;
            }
            if (head.status() == 101) {
                switchProtocols(client, statusLineEnd, after);
                return;
            }
            if (head.status() >= 100 && head.status() < 200) {
                // Interim (100 Continue, 103 Early Hints): the client hears it as it came.
                client.write(ByteBuffer.wrap(buf, 0, after).slice());
                compact(after);
                continue;
            }
            boolean framed = head.framing() != ResponseHead.Framing.UNTIL_CLOSE;
            clientReuse = session.keepAlive(framed);
            originReuse = keepOrigin && framed && head.keepAlive();
            client.write(Heads.response(buf, 0, statusLineEnd, head.minorVersion(), head.fields(), clientReuse));
            headSent = true;
            body = switch (head.framing()) {
                case NONE -> BodyFrame.none();
                case LENGTH -> BodyFrame.length(head.contentLength());
                case CHUNKED -> BodyFrame.chunked();
                case UNTIL_CLOSE -> BodyFrame.toTheEnd();
            };
            state = State.BODY;
            ByteBuffer rest = ByteBuffer.wrap(buf, after, len - after);
            len = 0;
            forwardBody(rest, client);
        }
    }

    /** A 101: valid only as the answer to an Upgrade request, and naming the protocol (RFC 9110 15.2.2). */
    private void switchProtocols(Transport client, int statusLineEnd, int after) {
        String protocol = head.fields().first(Heads.UPGRADE);
        if (!upgradeAsked || protocol == null) {
            fail(new IOException(upgradeAsked ? "a 101 response without Upgrade"
                    : "a 101 response to a request that asked for no upgrade"));
            return;
        }
        state = State.DONE;
        headSent = true;
        client.write(Heads.switching(buf, 0, statusLineEnd, head.minorVersion(), head.fields()));
        ByteBuffer rest = ByteBuffer.allocate(len - after);
        rest.put(buf, after, len - after).flip();
        len = 0;
        session.upgraded(upstream, rest);
    }

    private void compact(int used) {
        System.arraycopy(buf, used, buf, 0, len - used);
        len -= used;
        scanned = 0;
    }

    private void forwardBody(ByteBuffer data, Transport client) {
        int n;
        try {
            n = body.take(data);
        } catch (ParseException e) {
            fail(new IOException("a malformed chunked body from upstream: " + e.getMessage()));
            return;
        }
        if (n > 0) {
            int limit = data.limit();
            data.limit(data.position() + n);
            client.write(data);
            data.limit(limit);
        }
        if (data.hasRemaining()) {
            originReuse = false; // bytes after the response's end: the two sides disagree on framing
        }
        data.position(data.limit());
        if (body.done()) {
            finish();
        }
    }

    private void finish() {
        state = State.DONE;
        if (originReuse && session.requestDone() && connection != null && connection.usable() && !upstreamPaused) {
            connection.detach();
        } else {
            upstream.close();
        }
        session.responseDone(clientReuse);
    }

    private void fail(IOException e) {
        state = State.DONE;
        upstream.abort();
        session.upstreamBroke(e, headSent, mayRetry());
    }

    @Override
    public boolean eofReceived() {
        if (state == State.BODY && body.endsAtClose()) {
            finish();
        } else if (state != State.DONE) {
            fail(new IOException("the upstream closed before the response was complete"));
        }
        return false;
    }

    @Override
    public void pauseWriting() {
        upstreamPaused = true;
        session.upstreamWritable(false);
    }

    @Override
    public void resumeWriting() {
        upstreamPaused = false;
        session.upstreamWritable(true);
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost = true;
        if (state != State.DONE) {
            state = State.DONE;
            session.upstreamBroke(cause, headSent, mayRetry());
        }
    }
}
