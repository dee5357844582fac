package io.weft.http.internal.server;

import io.weft.future.Promise;
import io.weft.http.BodyListener;
import io.weft.http.BodyTooLargeException;
import io.weft.http.HttpRequest;
import io.weft.http.internal.parse.Fields;
import io.weft.http.internal.parse.RequestHead;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A request as handlers see it: its own copy of the head, and the body read through the connection. */
final class ServerRequest implements HttpRequest {
    private final ServerConnection connection;
    private final String method;
    private final String target;
    private final int minor;
    private final Fields fields;
    private final long contentLength;
    private final boolean hasBody;
    private final SocketAddress remote;
    boolean bodyEnded;
    Fields trailers;

    ServerRequest(ServerConnection connection, RequestHead head, SocketAddress remote) {
        this.connection = connection;
        this.method = head.method();
        this.target = head.target();
        this.minor = head.minorVersion();
        this.fields = head.fields().copy(head.headStart(), head.headEnd());
        this.contentLength = head.chunked() ? -1 : head.contentLength();
        this.hasBody = head.chunked() || head.contentLength() > 0;
        this.remote = remote;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    @Override
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? null : target.substring(q + 1);
    }

    @Override
    public String version() {
        return minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
    }

    @Override
    public String header(String name) {
        byte[] lower = name.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
        return fields.first(lower);
    }

    @Override
    public List<String> headers(String name) {
        byte[] lower = name.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
        List<String> values = new ArrayList<>(1);
        for (int i = 0; i < fields.count(); i++) {
            if (fields.nameIs(i, lower)) {
                values.add(fields.value(i));
            }
        }
        return values;
    }

    @Override
    public int headerCount() {
        return fields.count();
    }

    @Override
    public String headerName(int i) {
        return fields.name(i);
    }

    @Override
    public String headerValue(int i) {
        return fields.value(i);
    }

    @Override
    public boolean hasBody() {
        return hasBody;
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public void readBody(BodyListener listener) {
        connection.readBody(this, listener);
    }

    @Override
    public void pauseBody() {
        connection.pauseBody(this);
    }

    @Override
    public void resumeBody() {
        connection.resumeBody(this);
    }

    @Override
    public Promise<byte[]> body(int maxBytes) {
        Promise<byte[]> result = connection.server.loop.newPromise();
        ByteArrayOutputStream all = new ByteArrayOutputStream(contentLength > 0 ? (int) Math.min(contentLength, maxBytes) : 256);
        readBody(new BodyListener() {
            @Override
            public void onData(ByteBuffer data) {
                if (result.isDone()) {
                    return;
                }
                if (all.size() + data.remaining() > maxBytes) {
                    result.fail(new BodyTooLargeException(maxBytes));
                    return;
                }
                byte[] b = new byte[data.remaining()];
                data.get(b);
                all.writeBytes(b);
            }

            @Override
            public void onEnd() {
                result.complete(all.toByteArray());
            }

            @Override
            public void onError(Throwable cause) {
                result.fail(cause);
            }
        });
        return result;
    }

    @Override
    public InputStream bodyStream() {
        return new GreenBodyStream(this);
    }

    @Override
    public List<String> trailers() {
        List<String> t = new ArrayList<>();
        if (trailers != null) {
            for (int i = 0; i < trailers.count(); i++) {
                t.add(trailers.name(i));
                t.add(trailers.value(i));
            }
        }
        return t;
    }

    @Override
    public io.weft.loop.EventLoop loop() {
        return connection.server.loop;
    }
}
