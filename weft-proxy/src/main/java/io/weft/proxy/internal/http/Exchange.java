package io.weft.proxy.internal.http;

import io.weft.http.internal.parse.ParseException;
import io.weft.http.internal.parse.ResponseHead;
import io.weft.http.internal.parse.ResponseParser;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.nio.ByteBuffer;

/**
 * The upstream connection of one forwarded request: it sends the rewritten request, reads the
 * response head (1xx interim responses pass through), rewrites it for the client and forwards
 * the body with the framing it came in. When the client's write buffer is over its high-water
 * mark, reading from upstream stops. Loop thread.
 * <pre>
 *   RESPONSE_HEAD --1xx--&gt; RESPONSE_HEAD --final head--&gt; BODY --framing says done / upstream EOF--&gt; DONE
 * </pre>
 */
final class Exchange implements Protocol {
    private static final int MAX_HEAD = 16384;

    private enum State { RESPONSE_HEAD, BODY, DONE }

    private final HttpProxySession session;
    private final boolean headRequest;
    private final ResponseHead head = new ResponseHead();
    private byte[] buf = new byte[2048];
    private int len;
    private State state = State.RESPONSE_HEAD;
    private Transport upstream;
    private BodyFrame body;
    private boolean reuse;
    private boolean headSent;
    private boolean lost;
    private boolean upstreamPaused;

    Exchange(HttpProxySession session, boolean headRequest) {
        this.session = session;
        this.headRequest = headRequest;
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
        if (upstream == null || lost) {
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
                after = ResponseParser.parse(buf, 0, len, MAX_HEAD, headRequest, head);
            } catch (ParseException e) {
                fail(new java.io.IOException("a malformed response from upstream: " + e.getMessage()));
                return;
            }
            if (after == ResponseParser.INCOMPLETE) {
                if (len > MAX_HEAD) {
                    fail(new java.io.IOException("the upstream's response head is larger than " + MAX_HEAD + " bytes"));
                }
                return;
            }
            int statusLineEnd = 0;
            while (buf[statusLineEnd] != '\r') {
                statusLineEnd++;
            }
            if (head.status() >= 100 && head.status() < 200 && head.status() != 101) {
                // Interim (100 Continue, 103 Early Hints): the client hears it as it came.
                client.write(ByteBuffer.wrap(buf, 0, after).slice());
                compact(after);
                continue;
            }
            reuse = session.keepAlive(head.framing() != ResponseHead.Framing.UNTIL_CLOSE && head.status() != 101);
            client.write(Heads.response(buf, 0, statusLineEnd, head.minorVersion(), head.fields(), reuse));
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

    private void compact(int used) {
        System.arraycopy(buf, used, buf, 0, len - used);
        len -= used;
    }

    private void forwardBody(ByteBuffer data, Transport client) {
        int n;
        try {
            n = body.take(data);
        } catch (ParseException e) {
            fail(new java.io.IOException("a malformed chunked body from upstream: " + e.getMessage()));
            return;
        }
        if (n > 0) {
            int limit = data.limit();
            data.limit(data.position() + n);
            client.write(data);
            data.limit(limit);
        }
        data.position(data.limit());
        if (body.done()) {
            finish();
        }
    }

    private void finish() {
        state = State.DONE;
        upstream.close();
        session.responseDone(reuse);
    }

    private void fail(java.io.IOException e) {
        state = State.DONE;
        upstream.abort();
        session.upstreamBroke(e, headSent);
    }

    @Override
    public boolean eofReceived() {
        if (state == State.BODY && body.endsAtClose()) {
            finish();
        } else if (state != State.DONE) {
            fail(new java.io.IOException("the upstream closed before the response was complete"));
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
            session.upstreamBroke(cause, headSent);
        }
    }
}
