package io.weft.http.internal.server;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import io.weft.green.Green;
import io.weft.http.HttpResponse;
import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The response side of one request: builds the head into the connection's output buffer and
 * frames the body (Content-Length, chunked, or until close on HTTP/1.0). Loop thread only.
 */
final class ServerResponse implements HttpResponse {
    private enum State { OPEN, STARTED, ENDED }

    private final ServerConnection connection;
    private final ServerRequest request;
    private final boolean keepAliveAllowed;
    private final boolean head;
    private State state = State.OPEN;
    private int status = 200;
    private List<String> headers;
    private long contentLength = -1;
    private long written;
    private boolean chunked;
    private boolean noBody;
    private boolean closeAfter;
    private boolean lost;

    ServerResponse(ServerConnection connection, ServerRequest request, boolean keepAliveAllowed) {
        this.connection = connection;
        this.request = request;
        this.keepAliveAllowed = keepAliveAllowed;
        this.head = "HEAD".equals(request.method());
    }

    @Override
    public EventLoop loop() {
        return connection.server.loop;
    }

    @Override
    public HttpResponse status(int status) {
        checkOpen("the status");
        HttpResponse.checkStatus(status);
        this.status = status;
        return this;
    }

    @Override
    public HttpResponse header(String name, String value) {
        checkOpen("a header");
        checkName(name);
        checkValue(name, value);
        if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")) {
            throw new IllegalArgumentException(name + " is the server's to set: call contentLength(n), or write the body"
                    + " and let the server frame it");
        }
        if (headers == null) {
            headers = new ArrayList<>(8);
        }
        headers.add(name);
        headers.add(value);
        return this;
    }

    @Override
    public HttpResponse contentLength(long length) {
        checkOpen("the content length");
        if (length < 0) {
            throw new IllegalArgumentException("a content length is at least 0, not " + length);
        }
        contentLength = length;
        return this;
    }

    private void checkOpen(String what) {
        if (state != State.OPEN) {
            throw new IllegalStateException("cannot set " + what + " after the response's head was sent;"
                    + " set status and headers before the first write");
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 127 || !(Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                throw new IllegalArgumentException("header name \"" + name + "\" has a character that is not a token character");
            }
        }
    }

    private static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 255 || c < 0x20 && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException("the value of header " + name + " has a control or non-Latin-1 character"
                        + " at index " + i + " (CR and LF would split the response)");
            }
        }
    }

    /** Writes the head into the connection's buffer; {@code bodyLength} is known when ending with a whole body. */
    private void start(long bodyLength) {
        state = State.STARTED;
        if (bodyLength >= 0 && contentLength < 0) {
            contentLength = bodyLength;
        }
        noBody = head || status == 204 || status == 304;
        closeAfter = !keepAliveAllowed || connection.mustCloseAfter();
        connection.appendOut(StatusLines.line(status), 0, StatusLines.line(status).length);
        connection.appendDate();
        if (headers != null) {
            for (int i = 0; i < headers.size(); i += 2) {
                connection.appendOut(headers.get(i));
                connection.appendOut(": ");
                connection.appendOut(headers.get(i + 1));
                connection.appendOut("\r\n");
            }
        }
        if (status == 204 || status == 304 && contentLength < 0) {
            // no framing: these never have a body
        } else if (contentLength >= 0) {
            connection.appendOut("Content-Length: ");
            connection.appendOut(Long.toString(contentLength));
            connection.appendOut("\r\n");
        } else if (head) {
            // a HEAD answer without a known length: no framing, no body
        } else if (request.version().equals("HTTP/1.1")) {
            chunked = true;
            connection.appendOut("Transfer-Encoding: chunked\r\n");
        } else {
            closeAfter = true; // HTTP/1.0: the body ends when the connection does
        }
        if (closeAfter) {
            connection.appendOut("Connection: close\r\n\r\n");
        } else if (request.version().equals("HTTP/1.0")) {
            connection.appendOut("Connection: keep-alive\r\n\r\n");
        } else {
            connection.appendOut("\r\n");
        }
    }

    @Override
    public boolean write(ByteBuffer data) {
        if (state == State.ENDED) {
            throw new IllegalStateException("the response has ended: no more writes");
        }
        if (lost) {
            data.position(data.limit());
            return false;
        }
        if (state == State.OPEN) {
            start(-1);
        }
        int n = data.remaining();
        if (noBody || n == 0) {
            data.position(data.limit());
        } else {
            if (contentLength >= 0 && written + n > contentLength) {
                throw new IllegalStateException("writing " + n + " more bytes would exceed the announced Content-Length "
                        + contentLength + " (" + written + " written)");
            }
            written += n;
            if (chunked) {
                connection.appendOut(Long.toHexString(n));
                connection.appendOut("\r\n");
                connection.appendOut(data);
                connection.appendOut("\r\n");
            } else {
                connection.appendOut(data);
            }
        }
        connection.flushIfOutsideRead();
        if (Green.inGreenThread()) {
            while (connection.writePaused() && !lost && !connection.isClosing()) {
                Promise<Void> room = loop().newPromise();
                connection.onWritable(() -> room.complete(null));
                Green.await(room);
            }
            return !lost;
        }
        return !connection.writePaused();
    }

    @Override
    public Promise<Long> sendFile(AsyncFile file, long position, long count) {
        java.util.Objects.requireNonNull(file, "file");
        if (state != State.OPEN) {
            throw new IllegalStateException("sendFile sends the whole body: call it instead of write(), before the"
                    + " response's head was sent");
        }
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("sendFile needs a position and count of 0 or more, got " + position
                    + " and " + count);
        }
        if (contentLength >= 0 && contentLength != count) {
            throw new IllegalArgumentException("sendFile of " + count + " bytes, but the content length was set to "
                    + contentLength);
        }
        start(count);
        if (lost) {
            state = State.ENDED;
            return Promise.failed(loop(), new io.weft.stream.ConnectionClosedException(
                    "the connection closed before the response's file was sent"));
        }
        if (noBody || count == 0) {
            end();
            return Promise.completed(loop(), 0L);
        }
        written = count; // the body is the file's, as announced
        Promise<Long> sent = connection.sendFile(file, position, count);
        sent.whenComplete((n, e) -> {
            if (e == null) {
                end();
            } else if (state != State.ENDED) {
                state = State.ENDED;
                if (!lost) {
                    connection.abort(); // the body is short of its Content-Length: say so by closing
                }
            }
        });
        return sent;
    }

    @Override
    public void onWritable(Runnable callback) {
        connection.onWritable(callback);
    }

    @Override
    public void end() {
        if (state == State.ENDED) {
            return;
        }
        if (state == State.OPEN) {
            start(contentLength >= 0 ? contentLength : 0);
        }
        state = State.ENDED;
        if (lost) {
            return;
        }
        if (chunked) {
            connection.appendOut("0\r\n\r\n");
        } else if (!noBody && contentLength >= 0 && written < contentLength) {
            // Fewer bytes than announced: the client would wait for the rest forever.
            connection.server.loop.reportException("an HTTP response ended after " + written + " of its announced "
                    + contentLength + " bytes; the connection is aborted", new IllegalStateException("short body"));
            connection.abort();
            return;
        }
        connection.responseEnded(this, closeAfter);
        connection.flushIfOutsideRead();
    }

    @Override
    public void end(byte[] body) {
        if (state == State.OPEN) {
            start(body.length);
        }
        if (body.length > 0) {
            write(ByteBuffer.wrap(body));
        }
        end();
    }

    @Override
    public boolean isEnded() {
        return state == State.ENDED;
    }

    @Override
    public boolean isStarted() {
        return state != State.OPEN;
    }

    @Override
    public boolean isClosed() {
        return lost || connection.isClosing();
    }

    @Override
    public void fail(Throwable failure) {
        connection.server.loop.reportException("an HTTP handler failed on " + request.method() + " " + request.target(), failure);
        if (state == State.ENDED || lost) {
            return;
        }
        if (state == State.OPEN) {
            headers = null;
            status = 500;
            contentLength = -1;
            end("internal server error\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } else {
            state = State.ENDED;
            connection.abort();
        }
    }

    /** The connection is gone: writes are dropped from now on. */
    void lost(Throwable cause) {
        lost = true;
    }
}
