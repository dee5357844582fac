package io.weft.proxy.internal;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import io.weft.proxy.HealthCheck;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One active health check of one server: connect, then (for a check that talks) send the
 * request and read the first reply line, at most {@value #MAX_LINE} bytes. The promise
 * completes with whether it passed, never fails; the connection is closed either way, and
 * the whole check is bounded by the timeout. Loop thread.
 */
public final class HealthProbe implements Protocol {
    static final int MAX_LINE = 4096;

    private final HealthCheck check;
    private final Promise<Boolean> result;
    private final byte[] line = new byte[MAX_LINE];
    private int len;
    private Transport transport;
    private TimerHandle timer;

    private HealthProbe(HealthCheck check, Promise<Boolean> result) {
        this.check = check;
        this.result = result;
    }

    /** Checks {@code server}; completes with true when it passed within {@code timeout}. */
    public static Promise<Boolean> run(EventLoop loop, InetSocketAddress server, HealthCheck check, Duration timeout) {
        Promise<Boolean> result = new Promise<>(loop);
        HealthProbe probe = new HealthProbe(check, result);
        probe.timer = loop.callLater(timeout, () -> probe.finish(false));
        ConnectOptions o = ConnectOptions.builder().connectTimeout(timeout).build();
        Promise<HealthProbe> c = Net.createConnection(loop, () -> probe, server, o);
        c.whenComplete((p, e) -> {
            if (e != null) {
                probe.finish(false);
            }
        });
        result.whenComplete((v, e) -> c.cancel());
        return result;
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        switch (check) {
            case HealthCheck.Connect c -> finish(true);
            case HealthCheck.SendExpect s -> t.write(s.send().getBytes(StandardCharsets.UTF_8));
            case HealthCheck.HttpGet g -> t.write(g.request());
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        while (data.hasRemaining() && !result.isDone()) {
            byte b = data.get();
            if (b == '\n' || len == line.length) {
                finish(passes(new String(line, 0, len, StandardCharsets.UTF_8)));
                return;
            }
            line[len++] = b;
        }
        data.position(data.limit());
    }

    private boolean passes(String first) {
        if (first.endsWith("\r")) {
            first = first.substring(0, first.length() - 1);
        }
        return switch (check) {
            case HealthCheck.Connect c -> true;
            case HealthCheck.SendExpect s -> first.startsWith(s.expectPrefix());
            case HealthCheck.HttpGet g -> first.length() >= 12 && first.startsWith("HTTP/1.")
                    && (first.charAt(9) == '2' || first.charAt(9) == '3') && first.charAt(8) == ' ';
        };
    }

    @Override
    public boolean eofReceived() {
        // A reply without a line end: judge what came.
        finish(len > 0 && passes(new String(line, 0, len, StandardCharsets.UTF_8)));
        return false;
    }

    @Override
    public void connectionLost(Throwable cause) {
        finish(false);
    }

    private void finish(boolean passed) {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (transport != null && !transport.isClosing()) {
            if (passed) {
                transport.close();
            } else {
                transport.abort();
            }
        }
        result.complete(passed);
    }
}
