package io.weft.http;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;

/**
 * The response to one request. Loop thread only (green threads of the loop included).
 *
 * <h2>States</h2>
 * <pre>
 *   OPEN (status and headers may change) --first write or end--&gt; STARTED (head sent) --end--&gt; ENDED
 * </pre>
 * Setting the status or a header after the head left throws {@link IllegalStateException}.
 * {@link #end(byte[])} on an open response sends a Content-Length; streaming with
 * {@link #write} sends the body chunked (HTTP/1.1), or as is with the given
 * {@link #contentLength}, or (HTTP/1.0 without a length) until the connection closes. The
 * server adds {@code Date}, and {@code Connection: close} when the connection ends after this
 * response. A HEAD request's response sends the head alone.
 *
 * <h2>Flow control</h2>
 * {@link #write} never buffers without bound in spirit: it returns false once the
 * connection's write buffer is above its high-water mark, and {@link #onWritable} runs its
 * callback when it drained. In a green thread, {@code write} itself parks until there is room.
 *
 * <h2>Buffers</h2>
 * Bytes passed in are taken at the call: the caller may reuse its buffer at once.
 */
public interface HttpResponse {

    /** The server's loop. */
    EventLoop loop();

    /** Sets the status code (100 to 599, not 1xx: the server sends 100 Continue itself). Default 200. */
    HttpResponse status(int status);

    /** Adds a header field. Content-Length and Transfer-Encoding are the server's: use {@link #contentLength}. */
    HttpResponse header(String name, String value);

    /** Announces the body's length, for a streamed body whose size is known. */
    HttpResponse contentLength(long length);

    /**
     * Sends {@code data} as the next part of the body (starting the response if needed).
     *
     * @return whether the client keeps up: false means wait for {@link #onWritable}
     */
    boolean write(ByteBuffer data);

    default boolean write(byte[] data) {
        return write(ByteBuffer.wrap(data));
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code position} as the whole body, with a
     * {@code Content-Length} of {@code count}, then ends the response. The bytes go by the
     * connection's {@link io.weft.net.Transport#sendFile}: zero copy from the page cache on a
     * plain connection of the epoll and NIO loops, a copy loop with flow control on TLS. A HEAD
     * request (or a 304/204) sends the head alone. The response must not have started: call it
     * instead of {@link #write}.
     *
     * <p>The promise gives the body bytes sent; it fails with the connection's loss (the client
     * left), or with the file's error, after which the connection is aborted (the client sees a
     * short body, which is the truth). The file must stay open until it settles; closing it is
     * the caller's.
     *
     * @throws IllegalStateException if the head was already sent
     * @throws IllegalArgumentException for a negative position or count, or a content length
     *         set before that is not {@code count}
     */
    Promise<Long> sendFile(AsyncFile file, long position, long count);

    /** Runs {@code callback} once, when writing may go on (at once, in a later callback, if it may now). */
    void onWritable(Runnable callback);

    /** Ends the response; with nothing written yet, it has an empty body. Idempotent. */
    void end();

    /** Sends {@code body} as the whole body (with a Content-Length if nothing was written yet), then ends. */
    void end(byte[] body);

    /** Whether {@link #end} was called. */
    boolean isEnded();

    /** Whether the head was sent. */
    boolean isStarted();

    /**
     * Whether the connection is gone (the client left, or the server aborted it): writes are
     * dropped from then on, so a producer should stop and release what it holds. Pending
     * {@link #onWritable} callbacks run once when this becomes true, so that it can notice.
     */
    boolean isClosed();

    /**
     * Gives up on this request after {@code failure}: a 500 if the head was not sent, else the
     * connection is aborted (the client sees a truncated body, which is the truth). Reports the
     * failure to the loop's exception handler.
     */
    void fail(Throwable failure);

    /** Checks a status code, for {@link #status} and {@link Reply}. */
    static void checkStatus(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("a response status must be 200 to 599, not " + status
                    + " (100 Continue is sent by the server when the handler reads the body)");
        }
    }
}
