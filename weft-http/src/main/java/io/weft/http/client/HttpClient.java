package io.weft.http.client;

import io.weft.future.Promise;
import io.weft.http.internal.client.ClientCore;
import io.weft.loop.EventLoop;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

/**
 * An HTTP/1.1 client on one event loop. Loop thread only (green threads of the loop included):
 * call it from a callback, or get there with {@code loop.execute}.
 *
 * <pre>{@code
 * HttpClient client = HttpClient.create(loop, ClientOptions.defaults());
 * client.fetch(ClientRequest.get("http://127.0.0.1:8080/")).whenComplete((r, e) -> ...);
 * }</pre>
 *
 * <h2>What it does for you</h2>
 * Keep-alive connections pooled per scheme://host:port within {@link ClientOptions}' limits
 * (the requests past them wait their turn, first come first served); redirects, up to a bound;
 * https with TLS 1.2/1.3 and the host name verified; chunked and close-delimited bodies;
 * the connect, head, body-idle and total deadlines. Cancelling a returned promise aborts the
 * exchange's connection.
 *
 * <h2>Failures</h2>
 * {@link MalformedResponseException} (garbage status line, bad fields or framing, bytes past
 * the body), {@link PrematureEndException} (the connection ended early),
 * {@link HttpTimeoutException} (which deadline), {@link TooManyRedirectsException}, and the
 * connection's own ({@link java.net.ConnectException}, {@link io.weft.net.TlsHandshakeException}).
 */
public final class HttpClient {
    private final ClientCore core;

    private HttpClient(EventLoop loop, ClientOptions options) {
        this.core = new ClientCore(loop, options);
    }

    public static HttpClient create(EventLoop loop, ClientOptions options) {
        return new HttpClient(loop, options);
    }

    /**
     * Sends {@code request}; once the head is in (after redirects), {@code handler} chooses
     * where the body goes, and the promise completes with the head when all of it went there.
     * The body is never held in memory by the client.
     */
    public Promise<ClientResponse> send(ClientRequest request, BodyHandler handler) {
        return core.send(request, handler);
    }

    /** Sends {@code request} and keeps the body in memory, up to {@link ClientOptions#maxBodyBytes()}. */
    public Promise<FullResponse> fetch(ClientRequest request) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long max = maxBody();
        return core.send(request, head -> data -> {
            if (body.size() + data.remaining() > max) {
                throw new HttpClientException("the response body is larger than " + max + " bytes");
            }
            byte[] b = new byte[data.remaining()];
            data.get(b);
            body.writeBytes(b);
        }).map(head -> new FullResponse(head, body.toByteArray()));
    }

    /**
     * Streams the body of a 2xx response into {@code file} (created or truncated); any other
     * status fails with {@link HttpClientException} and leaves the file alone. The file is opened
     * and written with {@link io.weft.file.AsyncFile}, off the loop; reading from the server
     * pauses while more than a MiB waits for the disk. The promise completes once the body is in
     * the file and the file is closed.
     */
    public Promise<ClientResponse> download(ClientRequest request, Path file) {
        FileBodySink[] sink = new FileBodySink[1];
        return core.send(request, head -> {
            if (head.status() / 100 != 2) {
                throw new HttpClientException("HTTP " + head.status() + " from " + head.uri());
            }
            sink[0] = FileBodySink.open(core.loop(), file, java.util.EnumSet.of(io.weft.file.FileOption.WRITE,
                    io.weft.file.FileOption.CREATE, io.weft.file.FileOption.TRUNCATE));
            return sink[0];
        }).whenComplete((r, e) -> {
            if (e != null && sink[0] != null) {
                sink[0].abandon();
            }
        }).flatMap(r -> sink[0].finished().map(v -> r));
    }

    private long maxBody() {
        return core.options().maxBodyBytes();
    }

    /** Connections open now, busy or idle. */
    public int connections() {
        return core.connections();
    }

    /** Closes the idle pooled connections (busy ones finish their exchange and close then if idle later). */
    public void closeIdle() {
        core.closeIdle();
    }
}
