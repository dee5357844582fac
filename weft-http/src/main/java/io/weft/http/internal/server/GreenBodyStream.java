package io.weft.http.internal.server;

import io.weft.future.Promise;
import io.weft.green.Green;
import io.weft.http.BodyListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A request body as a blocking stream for green threads. Reading parks the green thread on a
 * promise the body's next bytes complete. At most {@link #HIGH} bytes wait here: past that the
 * body is paused, so a slow reader holds back the client instead of filling memory.
 */
final class GreenBodyStream extends InputStream {
    private static final int HIGH = 64 * 1024;

    private final ServerRequest request;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int queued;
    private int offset;
    private boolean started;
    private boolean ended;
    private Throwable failure;
    private Promise<Void> waiting;

    GreenBodyStream(ServerRequest request) {
        this.request = request;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (!Green.inGreenThread()) {
            throw new WrongThreadException("HttpRequest.bodyStream() blocks: read it in a green thread"
                    + " (HttpHandler.green), or use readBody/body(max) from a callback");
        }
        if (len == 0) {
            return 0;
        }
        start();
        while (chunks.isEmpty()) {
            if (failure != null) {
                throw failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure);
            }
            if (ended) {
                return -1;
            }
            waiting = request.loop().newPromise();
            Green.await(waiting);
        }
        byte[] c = chunks.peekFirst();
        int n = Math.min(len, c.length - offset);
        System.arraycopy(c, offset, b, off, n);
        offset += n;
        queued -= n;
        if (offset == c.length) {
            chunks.pollFirst();
            offset = 0;
        }
        if (queued < HIGH / 2) {
            request.resumeBody();
        }
        return n;
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        request.readBody(new BodyListener() {
            @Override
            public void onData(ByteBuffer data) {
                byte[] c = new byte[data.remaining()];
                data.get(c);
                chunks.addLast(c);
                queued += c.length;
                if (queued >= HIGH) {
                    request.pauseBody();
                }
                wake();
            }

            @Override
            public void onEnd() {
                ended = true;
                wake();
            }

            @Override
            public void onError(Throwable cause) {
                failure = cause;
                wake();
            }
        });
    }

    private void wake() {
        Promise<Void> w = waiting;
        if (w != null) {
            waiting = null;
            w.complete(null);
        }
    }
}
