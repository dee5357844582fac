package io.weft.http.internal.server;

import io.weft.http.BadRequestException;
import io.weft.http.BodyListener;
import io.weft.http.BodyTooLargeException;
import io.weft.http.internal.parse.ChunkedDecoder;
import io.weft.http.internal.parse.ParseException;
import io.weft.http.internal.parse.RequestHead;
import io.weft.http.internal.parse.RequestParser;
import io.weft.loop.TimerHandle;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import io.weft.stream.ConnectionClosedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/1.1 connection, server side: a {@link Protocol} that buffers what arrives, parses
 * one request head at a time, hands the request to the handler, feeds it the body, and writes
 * the response. Loop thread only.
 *
 * <h2>States</h2>
 * <pre>
 *   HEAD --complete head--&gt; REQUEST --response ended and body read--&gt; HEAD ...
 *     \--bad head, timeout--&gt; CLOSING      \--Connection: close, bad body, EOF--&gt; CLOSING
 * </pre>
 * Requests are handled one at a time, so responses leave in request order; the requests a
 * client pipelines behind the current one wait, unparsed, in the input buffer, and reading
 * from the socket pauses once more than {@code maxBufferedInput} bytes wait. Everything the
 * handlers of one read write is gathered in one output buffer and leaves in one write, at the
 * end of {@link #dataReceived}; outside a read, each response call writes at once.
 *
 * <h2>Buffers</h2>
 * {@code in} is this connection's: the loop's read buffer is lent only for the call, so what
 * arrives is copied once into it, and the parser works on it in place. A request keeps a copy of
 * its own head (a few hundred bytes), so handlers may keep it after the buffer moves on.
 */
public final class ServerConnection implements Protocol {
    private static final int LARGE_WRITE = 16 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private enum State { HEAD, REQUEST, CLOSING }

    private enum Deadline { NONE, IDLE, HEADER, BODY }

    final ServerState server;
    private Transport transport;
    private State state = State.HEAD;

    // input: bytes [inStart, inEnd) are unread; [inStart, scanned) were searched for a head's end
    private byte[] in = new byte[4096];
    private ByteBuffer inView = ByteBuffer.wrap(in);
    private int inStart;
    private int inEnd;
    private int scanned;
    private final RequestHead head = new RequestHead();

    // the request being handled
    private ServerRequest request;
    private ServerResponse response;
    private long bodyRemaining;
    private ChunkedDecoder decoder;
    private boolean bodyDone;
    private long bodyRead;
    private BodyListener bodyListener;
    private boolean bodyPaused;
    private boolean bodyTooLarge;
    private boolean continueSent;
    private boolean expectContinue;

    // output
    private byte[] out = new byte[4096];
    private int outLength;
    private boolean inRead;
    private boolean processing;
    private boolean writePaused;
    private List<Runnable> writable;
    private boolean peerEof;
    private boolean shutdownRequested;

    // one timer, moved lazily: it fires at timerAt and re-arms itself for 'deadline' if that is later
    private Deadline deadlineKind = Deadline.NONE;
    private long deadline;
    private TimerHandle timer;
    private long timerAt;

    ServerConnection(ServerState server) {
        this.server = server;
    }

    // ---- Protocol ----

    @Override
    public void connectionMade(Transport t) {
        this.transport = t;
        server.added(this);
        setDeadline(Deadline.HEADER, server.headerTimeoutNanos);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (state == State.CLOSING) {
            return;
        }
        append(data);
        inRead = true;
        try {
            process();
        } finally {
            inRead = false;
            flush();
        }
    }

    @Override
    public boolean eofReceived() {
        peerEof = true;
        if (state == State.REQUEST) {
            if (!bodyDone) {
                failBody(new ConnectionClosedException("the client closed its side before the body's end"));
                if (response != null && !response.isStarted()) {
                    closeWith(400, "the request body ended early");
                } else {
                    transport.abort();
                }
                return false;
            }
            return true; // half-closed after a whole request: answer it, then close
        }
        return false;
    }

    @Override
    public void connectionLost(Throwable cause) {
        state = State.CLOSING;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (!bodyDone && bodyListener != null) {
            failBody(cause != null ? cause : new ConnectionClosedException("the connection closed before the body's end"));
        }
        if (response != null) {
            response.lost(cause);
        }
        runWritable();
        server.removed(this);
    }

    @Override
    public void pauseWriting() {
        writePaused = true;
    }

    @Override
    public void resumeWriting() {
        writePaused = false;
        runWritable();
        if (state == State.HEAD && !processing) {
            process();
            flush();
        }
        updateReading();
    }

    // ---- the request cycle ----

    private void append(ByteBuffer data) {
        int n = data.remaining();
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
    }

    /** Parses and dispatches what the buffer holds, as far as the current request lets it. */
    private void process() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            while (state != State.CLOSING) {
                if (state == State.HEAD) {
                    if (writePaused || !nextHead()) {
                        break;
                    }
                } else {
                    pumpBody();
                    if (state != State.REQUEST || !finished()) {
                        break;
                    }
                    endRequest();
                }
            }
        } finally {
            processing = false;
        }
        updateReading();
    }

    /** Parses the next head if it is all here and dispatches it; false when there is nothing to do yet. */
    private boolean nextHead() {
        if (inStart == inEnd) {
            inStart = inEnd = scanned = 0;
            if (shutdownRequested || peerEof) {
                closeNow();
                return false;
            }
            if (deadlineKind != Deadline.HEADER) {
                setDeadline(Deadline.IDLE, server.idleTimeoutNanos);
            }
            return false;
        }
        if (deadlineKind != Deadline.HEADER) {
            setDeadline(Deadline.HEADER, server.headerTimeoutNanos);
        }
        int end = RequestParser.headEnd(in, inStart, scanned, inEnd);
        try {
            if (end < 0) {
                scanned = inEnd;
                RequestParser.checkIncomplete(in, inStart, inEnd, server.limits);
                return false;
            }
            RequestParser.parse(in, inStart, end, server.limits, head);
        } catch (ParseException e) {
            closeWith(e.status(), e.getMessage());
            return false;
        }
        if (head.contentLength() > server.options.maxBodyBytes()) {
            closeWith(413, "the request body is larger than " + server.options.maxBodyBytes() + " bytes");
            return false;
        }
        startRequest(end);
        return true;
    }

    private void startRequest(int headEnd) {
        request = new ServerRequest(this, head, transport.remoteAddress());
        response = new ServerResponse(this, request, head.keepAlive() && !shutdownRequested && !peerEof);
        inStart = headEnd;
        scanned = headEnd;
        bodyRead = 0;
        bodyTooLarge = false;
        bodyListener = null;
        bodyPaused = false;
        continueSent = false;
        expectContinue = head.expectContinue();
        if (head.chunked()) {
            decoder = new ChunkedDecoder(4096, server.options.maxHeadBytes());
            bodyDone = false;
        } else {
            decoder = null;
            bodyRemaining = Math.max(0, head.contentLength());
            bodyDone = bodyRemaining == 0;
        }
        state = State.REQUEST;
        setDeadline(Deadline.NONE, 0);
        try {
            server.handler.handle(request, response);
        } catch (Throwable t) {
            response.fail(t);
        }
    }

    private boolean finished() {
        return response.isEnded() && bodyDone;
    }

    private void endRequest() {
        request = null;
        response = null;
        decoder = null;
        bodyListener = null;
        state = State.HEAD;
    }

    // ---- the request body ----

    boolean hasBody() {
        return decoder != null || bodyRemaining > 0;
    }

    void readBody(ServerRequest r, BodyListener listener) {
        if (r != request) {
            throw new IllegalStateException("this request is over: read its body before ending its response");
        }
        if (bodyListener != null) {
            throw new IllegalStateException("the body is already being read: read it once, one way");
        }
        bodyListener = listener;
        if (expectContinue && !continueSent && !bodyDone && !response.isStarted()) {
            continueSent = true;
            appendOut(CONTINUE, 0, CONTINUE.length);
            flushIfOutsideRead();
        }
        if (bodyDone) {
            deliverEnd();
            return;
        }
        if (!processing) {
            pumpBody();
            updateReading();
            if (state == State.REQUEST && finished()) {
                endRequest();
                process();
            }
        }
    }

    void pauseBody(ServerRequest r) {
        if (r == request) {
            bodyPaused = true;
            if (deadlineKind == Deadline.BODY) {
                setDeadline(Deadline.NONE, 0);
            }
        }
    }

    void resumeBody(ServerRequest r) {
        if (r == request && bodyPaused) {
            bodyPaused = false;
            if (!processing) {
                pumpBody();
                updateReading();
                if (state == State.REQUEST && finished()) {
                    endRequest();
                    process();
                    flushIfOutsideRead();
                }
            }
        }
    }

    private final ChunkedDecoder.Sink chunkSink = this::deliver;

    /** Hands the listener what the buffer holds of the body. */
    private void pumpBody() {
        if (bodyDone || bodyListener == null || bodyPaused || state != State.REQUEST) {
            return;
        }
        if (inStart < inEnd) {
            try {
                if (decoder == null) {
                    int n = (int) Math.min(bodyRemaining, inEnd - inStart);
                    int from = inStart;
                    inStart += n;
                    bodyRemaining -= n;
                    bodyDone = bodyRemaining == 0;
                    deliver(in, from, n);
                } else {
                    int from = inStart;
                    int to = inEnd;
                    inStart = to; // the decoder hands out data from [from, to); the listener may not see 'in' change
                    int stop = decoder.decode(in, from, to, chunkSink);
                    inStart = stop;
                    bodyDone = decoder.isDone();
                }
            } catch (ParseException e) {
                failBody(new BadRequestException(e.status(), e.getMessage()));
                if (!response.isStarted()) {
                    closeWith(e.status(), e.getMessage());
                } else {
                    transport.abort();
                }
                return;
            }
            scanned = inStart;
            if (bodyTooLarge) {
                BodyTooLargeException e = new BodyTooLargeException(server.options.maxBodyBytes());
                failBody(e);
                if (!response.isStarted()) {
                    closeWith(413, e.getMessage());
                } else {
                    transport.abort();
                }
                return;
            }
        }
        if (bodyDone) {
            if (deadlineKind == Deadline.BODY) {
                setDeadline(Deadline.NONE, 0);
            }
            deliverEnd();
        } else if (!bodyPaused && bodyListener != null) {
            setDeadline(Deadline.BODY, server.bodyTimeoutNanos);
        }
    }

    private void deliver(byte[] b, int off, int len) {
        if (len == 0 || bodyListener == null) {
            return;
        }
        if (bodyTooLarge) {
            return;
        }
        bodyRead += len;
        if (bodyRead > server.options.maxBodyBytes()) {
            bodyTooLarge = true;
            return;
        }
        inView.limit(off + len).position(off);
        bodyListener.onData(inView);
    }

    private void deliverEnd() {
        BodyListener l = bodyListener;
        if (l != null && request != null && !request.bodyEnded) {
            request.bodyEnded = true;
            if (decoder != null) {
                request.trailers = decoder.trailers();
            }
            l.onEnd();
        }
    }

    private void failBody(Throwable cause) {
        BodyListener l = bodyListener;
        if (l != null && request != null && !request.bodyEnded) {
            request.bodyEnded = true;
            l.onError(cause);
        }
    }

    /** The response ended: what happens to an unread body, then on to the next request. */
    void responseEnded(ServerResponse r, boolean closeAfter) {
        if (r != response) {
            return;
        }
        if (closeAfter) {
            state = State.CLOSING;
            flushIfOutsideRead();
            closeNow();
            return;
        }
        if (!bodyDone && bodyListener == null) {
            // The handler did not read the body: discard it to reach the next request.
            bodyListener = Discard.INSTANCE;
        }
        if (!processing) {
            pumpBody();
            if (state == State.REQUEST && finished()) {
                endRequest();
                process();
            }
            flushIfOutsideRead();
        }
    }

    /** Whether a response that starts now should be the connection's last. */
    boolean mustCloseAfter() {
        return shutdownRequested || peerEof || expectContinue && !continueSent && !bodyDone;
    }

    private enum Discard implements BodyListener {
        INSTANCE;

        @Override
        public void onData(ByteBuffer data) {
        }

        @Override
        public void onEnd() {
        }

        @Override
        public void onError(Throwable cause) {
        }
    }

    // ---- output ----

    void appendOut(byte[] b, int off, int len) {
        if (out.length - outLength < len) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + len));
        }
        System.arraycopy(b, off, out, outLength, len);
        outLength += len;
    }

    void appendOut(ByteBuffer data) {
        int len = data.remaining();
        if (len >= LARGE_WRITE) {
            flush();
            transport.write(data);
            return;
        }
        if (out.length - outLength < len) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + len));
        }
        data.get(out, outLength, len);
        outLength += len;
    }

    /** Appends ASCII (ISO-8859-1) text. */
    void appendOut(String s) {
        int len = s.length();
        if (out.length - outLength < len) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + len));
        }
        for (int i = 0; i < len; i++) {
            out[outLength++] = (byte) s.charAt(i);
        }
    }

    void appendDate() {
        byte[] d = server.dates.line();
        appendOut(d, 0, d.length);
    }

    /** Sends what the output buffer holds now when outside a read (inside one, the read's end sends it). */
    void flushIfOutsideRead() {
        if (!inRead || outLength >= 64 * 1024) {
            flush();
        }
    }

    private void flush() {
        if (outLength > 0 && transport != null && !transport.isClosing()) {
            transport.write(ByteBuffer.wrap(out, 0, outLength));
        }
        outLength = 0;
        if (out.length > 64 * 1024) {
            out = new byte[4096];
        }
    }

    /** A response's file body: what the buffer holds (its head) leaves first, then the file. */
    io.weft.future.Promise<Long> sendFile(io.weft.file.AsyncFile file, long position, long count) {
        flush();
        if (transport.isClosing()) {
            return io.weft.future.Promise.failed(server.loop, new ConnectionClosedException(
                    "the connection is closing: the response's file was not sent"));
        }
        return transport.sendFile(file, position, count);
    }

    boolean writePaused() {
        return writePaused || transport.isClosing();
    }

    boolean isClosing() {
        return transport.isClosing();
    }

    void onWritable(Runnable callback) {
        if (!writePaused || transport.isClosing()) {
            server.loop.callSoon(callback);
            return;
        }
        if (writable == null) {
            writable = new ArrayList<>(1);
        }
        writable.add(callback);
    }

    private void runWritable() {
        List<Runnable> w = writable;
        if (w != null && !w.isEmpty()) {
            writable = null;
            for (Runnable r : w) {
                try {
                    r.run();
                } catch (Throwable t) {
                    server.loop.reportException("an HTTP response's onWritable callback threw", t);
                }
            }
        }
    }

    /** Reads from the socket only while there is room and a use for what arrives. */
    private void updateReading() {
        if (transport == null || transport.isClosing()) {
            return;
        }
        boolean want;
        if (state == State.CLOSING) {
            want = false;
        } else if (state == State.HEAD) {
            want = !writePaused;
        } else {
            boolean bodyWanted = !bodyDone && bodyListener != null && !bodyPaused;
            want = bodyWanted || inEnd - inStart < server.options.maxBufferedInput();
        }
        if (want != transport.isReading()) {
            if (want) {
                transport.resumeReading();
            } else {
                transport.pauseReading();
            }
        }
    }

    // ---- ending the connection ----

    /** Answers {@code status} with {@code message} as a plain-text body, then closes. */
    void closeWith(int status, String message) {
        state = State.CLOSING;
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        appendOut(StatusLines.line(status), 0, StatusLines.line(status).length);
        appendDate();
        appendOut("Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
        appendOut(body, 0, body.length);
        flush();
        closeNow();
    }

    private void closeNow() {
        state = State.CLOSING;
        flush();
        setDeadline(Deadline.NONE, 0);
        transport.close();
    }

    void abort() {
        state = State.CLOSING;
        outLength = 0;
        if (transport != null) {
            transport.abort();
        }
    }

    /** Graceful shutdown: close now if idle, else after the current response. */
    void shutdown() {
        shutdownRequested = true;
        if (state == State.HEAD && inStart == inEnd && !processing) {
            closeNow();
        } else if (state == State.HEAD) {
            // A head is arriving: let it be answered, with Connection: close.
        }
    }

    // ---- deadlines ----

    private void setDeadline(Deadline kind, long delayNanos) {
        deadlineKind = kind;
        if (kind == Deadline.NONE) {
            return;
        }
        long now = server.loop.time();
        deadline = now + delayNanos;
        if (timer == null || timerAt - deadline > 0) {
            if (timer != null) {
                timer.cancel();
            }
            timerAt = deadline;
            timer = server.loop.callAt(deadline, this::onTimer);
        }
    }

    private void onTimer() {
        timer = null;
        if (deadlineKind == Deadline.NONE || state == State.CLOSING) {
            return;
        }
        long now = server.loop.time();
        if (deadline - now > 0) {
            timerAt = deadline;
            timer = server.loop.callAt(deadline, this::onTimer);
            return;
        }
        Deadline kind = deadlineKind;
        deadlineKind = Deadline.NONE;
        switch (kind) {
            case IDLE -> closeNow();
            case HEADER -> {
                if (inStart == inEnd) {
                    closeNow(); // nothing sent at all: no one to answer
                } else {
                    closeWith(408, "the request head did not arrive in time");
                }
            }
            case BODY -> {
                failBody(new TimeoutException("no byte of the request body for " + server.options.bodyTimeout()));
                if (response != null && !response.isStarted()) {
                    closeWith(408, "the request body stopped arriving");
                } else {
                    abort();
                }
            }
            default -> {
            }
        }
    }

    Transport transport() {
        return transport;
    }
}
