package io.weft.http.internal.client;

import io.weft.future.Promise;
import io.weft.http.client.BodyHandler;
import io.weft.http.client.ClientOptions;
import io.weft.http.client.ClientRequest;
import io.weft.http.client.ClientResponse;
import io.weft.loop.EventLoop;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** What an {@link io.weft.http.client.HttpClient} is made of: its loop, options and pools. Loop thread only. */
public final class ClientCore {
    final EventLoop loop;
    final ClientOptions options;
    private final Map<String, HostPool> pools = new HashMap<>();

    public ClientCore(EventLoop loop, ClientOptions options) {
        this.loop = loop;
        this.options = options;
    }

    /** Starts an exchange; the promise completes with the head once the body has gone to its sink. */
    public Promise<ClientResponse> send(ClientRequest request, BodyHandler handler) {
        if (!loop.inLoop()) {
            throw new WrongThreadException("HttpClient.send must be called on the client's loop thread;"
                    + " use loop.execute(...) to get there");
        }
        Exchange ex = new Exchange(this, request, handler);
        ex.start();
        return ex.result();
    }

    HostPool pool(URI uri) {
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        String host = uri.getHost();
        String key = (https ? "https://" : "http://") + host.toLowerCase(Locale.ROOT) + ":" + port;
        return pools.computeIfAbsent(key, k -> new HostPool(this, host, port, https));
    }

    int total() {
        int n = 0;
        for (HostPool p : pools.values()) {
            n += p.open();
        }
        return n;
    }

    /** A connection slot freed up somewhere: let waiting exchanges connect. */
    void poke() {
        for (HostPool p : new ArrayList<>(pools.values())) {
            if (p.hasWaiters()) {
                p.serveWaiters();
            }
        }
    }

    public EventLoop loop() {
        return loop;
    }

    public ClientOptions options() {
        return options;
    }

    /** Connections open now, busy or idle. */
    public int connections() {
        return total();
    }

    public void closeIdle() {
        for (HostPool p : pools.values()) {
            p.closeIdle();
        }
    }
}
