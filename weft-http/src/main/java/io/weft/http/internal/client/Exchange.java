package io.weft.http.internal.client;

import io.weft.future.Promise;
import io.weft.http.client.BodyHandler;
import io.weft.http.client.BodySink;
import io.weft.http.client.ClientRequest;
import io.weft.http.client.ClientResponse;
import io.weft.http.client.HttpTimeoutException;
import io.weft.http.client.TooManyRedirectsException;
import io.weft.http.internal.parse.Fields;
import io.weft.loop.TimerHandle;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's life in the client, across redirects and one retry: it asks its host's pool
 * for a connection, sends, takes the response head from the connection, and either follows a
 * redirect (its body discarded) or hands the head to the {@link BodyHandler} and the body to
 * the sink it returns. A GET or HEAD whose reused keep-alive connection turns out closed before
 * any byte of the response is retried once on a fresh one (the server may close idle
 * connections at any time, RFC 9112 9.3.1). Loop thread only.
 */
final class Exchange {
    private final ClientCore client;
    private final BodyHandler handler;
    private final Promise<ClientResponse> result;
    private ClientRequest request;
    private int redirects;
    private boolean retried;
    private boolean cancelled;
    private URI following;
    private int followingStatus;
    private ClientResponse response;
    private BodySink sink;
    private TimerHandle total;
    ClientConnection connection;

    Exchange(ClientCore client, ClientRequest request, BodyHandler handler) {
        this.client = client;
        this.request = request;
        this.handler = handler;
        this.result = client.loop.newPromise();
        result.onCancel(() -> {
            cancelled = true;
            stopTimer();
            if (connection != null) {
                connection.abort();
            }
        });
    }

    Promise<ClientResponse> result() {
        return result;
    }

    boolean isCancelled() {
        return cancelled || result.isDone();
    }

    boolean isHead() {
        return request.method().equals("HEAD");
    }

    void start() {
        if (client.options.totalTimeout() != null && total == null) {
            total = client.loop.callLater(client.options.totalTimeout(), () -> {
                total = null;
                ClientConnection c = connection;
                if (result.fail(new HttpTimeoutException(HttpTimeoutException.Kind.TOTAL,
                        "the exchange took longer than " + client.options.totalTimeout())) && c != null) {
                    c.abort();
                }
            });
        }
        client.pool(request.uri()).acquire(this);
    }

    void dispatch(ClientConnection c) {
        if (isCancelled()) {
            c.pool.release(c);
            return;
        }
        following = null;
        response = null;
        sink = null;
        c.send(this, requestBytes());
    }

    void connectFailed(Throwable failure) {
        stopTimer();
        result.fail(failure);
    }

    /** The head arrived; false when the exchange is over (the handler threw, or it was cancelled). */
    boolean onHead(int status, Fields fields) {
        if (isCancelled()) {
            connection.abort();
            return false;
        }
        String location = fields.first("location".getBytes(StandardCharsets.US_ASCII));
        boolean redirect = (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) && location != null;
        if (redirect && client.options.maxRedirects() > 0) {
            if (redirects >= client.options.maxRedirects()) {
                fail(new TooManyRedirectsException("more than " + client.options.maxRedirects() + " redirects, the last from "
                        + request.uri() + " to " + location));
                return false;
            }
            try {
                following = request.uri().resolve(location.trim());
                followingStatus = status;
                request.withUri(following, request.method(), false); // checks the scheme and host
            } catch (IllegalArgumentException e) {
                fail(new TooManyRedirectsException("a redirect to an unusable Location: " + location));
                return false;
            }
            return true;
        }
        List<String> headers = new ArrayList<>(fields.count() * 2);
        for (int i = 0; i < fields.count(); i++) {
            headers.add(fields.name(i));
            headers.add(fields.value(i));
        }
        response = new ClientResponse(request.uri(), status, headers);
        try {
            sink = handler.onResponse(response);
        } catch (Throwable t) {
            fail(t);
            return false;
        }
        if (sink != null) {
            sink.attach(new BodySink.Flow() {
                @Override
                public void pause() {
                    if (connection != null) {
                        connection.pauseReading();
                    }
                }

                @Override
                public void resume() {
                    if (connection != null) {
                        connection.resumeReading();
                    }
                }
            });
        }
        return true;
    }

    void onData(ByteBuffer data) {
        if (following != null || sink == null) {
            return;
        }
        try {
            sink.onData(data);
        } catch (Throwable t) {
            fail(t);
        }
    }

    void onEnd() {
        connection = null;
        if (isCancelled()) {
            return;
        }
        if (following != null) {
            // 307 and 308 repeat the request as it was; 301, 302 and 303 turn anything but GET and HEAD
            // into a GET without a body (RFC 9110 15.4: what browsers do, and 303's meaning).
            String method = request.method();
            boolean keepBody = true;
            if (followingStatus != 307 && followingStatus != 308 && !method.equals("GET") && !method.equals("HEAD")) {
                method = "GET";
                keepBody = false;
            }
            redirects++;
            request = request.withUri(following, method, keepBody);
            retried = false;
            client.pool(request.uri()).acquire(this);
            return;
        }
        try {
            if (sink != null) {
                sink.onEnd();
            }
        } catch (Throwable t) {
            stopTimer();
            result.fail(t);
            return;
        }
        stopTimer();
        result.complete(response);
    }

    void onError(Throwable cause, boolean beforeAnyResponseByte) {
        ClientConnection c = connection;
        connection = null;
        if (isCancelled()) {
            return;
        }
        boolean idempotent = request.method().equals("GET") || request.method().equals("HEAD");
        if (beforeAnyResponseByte && idempotent && !retried && c != null && c.reused()) {
            retried = true;
            client.pool(request.uri()).acquire(this);
            return;
        }
        stopTimer();
        result.fail(cause);
    }

    private void fail(Throwable cause) {
        ClientConnection c = connection;
        connection = null;
        stopTimer();
        result.fail(cause);
        if (c != null) {
            c.abort();
        }
    }

    private void stopTimer() {
        if (total != null) {
            total.cancel();
            total = null;
        }
    }

    private byte[] requestBytes() {
        URI u = request.uri();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        if (u.getRawQuery() != null) {
            path += "?" + u.getRawQuery();
        }
        boolean https = u.getScheme().equalsIgnoreCase("https");
        int port = u.getPort();
        String host = u.getHost().indexOf(':') >= 0 && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost();
        String hostField = port < 0 || port == (https ? 443 : 80) ? host : host + ":" + port;
        StringBuilder h = new StringBuilder(128).append(request.method()).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(hostField).append("\r\nUser-Agent: weft-http\r\n");
        List<String> extra = request.headers();
        for (int i = 0; i < extra.size(); i += 2) {
            h.append(extra.get(i)).append(": ").append(extra.get(i + 1)).append("\r\n");
        }
        byte[] body = request.body();
        if (body != null || request.method().equals("POST") || request.method().equals("PUT")) {
            h.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        h.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(h.length() + (body == null ? 0 : body.length));
        out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }
}
