package io.weft.http;

import io.weft.future.Promise;
import java.io.InputStream;
import java.net.SocketAddress;
import java.util.List;

/**
 * A request as the server parsed it. Loop thread only (green threads of the loop included).
 * The head is the request's own: it stays valid after the handler returns, for as long as
 * anyone holds the request.
 *
 * <h2>The body</h2>
 * Read it one of three ways, once: {@link #readBody} (callback style, with flow control),
 * {@link #body} (a promise of all of it, up to a limit) or {@link #bodyStream} (blocking, in a
 * green thread). Nothing is read until one of them is called: the bytes wait in the kernel and
 * the connection's buffer, and a client that sent {@code Expect: 100-continue} gets its
 * {@code 100 Continue} only then. A response ended without reading the body discards it
 * (or, after an unanswered 100-continue, closes the connection after the response).
 */
public interface HttpRequest {

    /** The server's loop, where this request's callbacks run. */
    io.weft.loop.EventLoop loop();

    /** The method: GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE or PATCH. */
    String method();

    /** The request-target as sent, e.g. {@code /a/b%20c?x=1}. */
    String target();

    /** The target's path, still percent-encoded: the target up to {@code ?}. */
    String path();

    /** The target's query after {@code ?}, still percent-encoded; null when there is none. */
    String query();

    /** "HTTP/1.0" or "HTTP/1.1". */
    String version();

    /** The first value of the header field {@code name} (any case), or null. */
    String header(String name);

    /** Every value of the header field {@code name}, in order. */
    List<String> headers(String name);

    /** How many header fields the request has. */
    int headerCount();

    /** Field {@code i}'s name as sent. */
    String headerName(int i);

    /** Field {@code i}'s value, without surrounding whitespace. */
    String headerValue(int i);

    /** Whether the request has a body (a Content-Length above zero, or chunked). */
    boolean hasBody();

    /** The body's length from Content-Length, or -1 when chunked or absent. */
    long contentLength();

    /** The client's address. */
    SocketAddress remoteAddress();

    /**
     * Streams the body to {@code listener}, in order, on the loop thread. Each buffer is lent
     * for the call. {@link #pauseBody()} from a callback stops delivery (and, once the
     * connection's buffer is full, reading from the socket) until {@link #resumeBody()}.
     *
     * @throws IllegalStateException if the body is already being read
     */
    void readBody(BodyListener listener);

    /** Stops {@link BodyListener#onData} calls until {@link #resumeBody()}. */
    void pauseBody();

    void resumeBody();

    /**
     * The whole body, up to {@code maxBytes}; fails with {@link BodyTooLargeException} past it,
     * and as {@link #readBody} does otherwise.
     */
    Promise<byte[]> body(int maxBytes);

    /**
     * The body as a blocking stream, for green threads: {@code read} parks the green thread
     * until bytes arrive. Reading it anywhere else throws {@link WrongThreadException}.
     */
    InputStream bodyStream();

    /** The trailer fields of a chunked body once it has been read, as name, value, name, value...; empty otherwise. */
    List<String> trailers();
}
