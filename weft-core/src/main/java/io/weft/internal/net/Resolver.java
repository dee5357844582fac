package io.weft.internal.net;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Name resolution off the loop thread, and RFC 8305 address ordering.
 *
 * <p>The JDK resolver blocks ({@code getaddrinfo}), so each lookup runs on a virtual thread of
 * the JDK's default scheduler and completes a promise that calls back on the loop. Literal
 * addresses are never looked up.
 */
public final class Resolver {
    private Resolver() {
    }

    public static Promise<List<InetAddress>> resolve(Loop loop, String host) {
        try {
            return Promise.completed(loop, List.of(InetAddress.ofLiteral(host)));
        } catch (IllegalArgumentException notLiteral) {
            // a name: look it up below
        }
        Promise<List<InetAddress>> p = loop.newPromise();
        Thread.ofVirtual().name("weft-resolve-" + host).start(() -> {
            try {
                p.complete(List.of(InetAddress.getAllByName(host)));
            } catch (UnknownHostException e) {
                p.fail(e);
            } catch (RuntimeException e) {
                p.fail(new UnknownHostException(host + ": " + e));
            }
        });
        return p;
    }

    /**
     * Orders addresses for connection attempts as RFC 8305 section 4 describes: alternate
     * address families, starting with the family of the first address the resolver returned,
     * keeping the resolver's order within each family.
     */
    public static List<InetSocketAddress> interleave(List<InetAddress> addresses, int port) {
        if (addresses.isEmpty()) {
            return List.of();
        }
        Class<?> first = addresses.get(0).getClass();
        List<InetAddress> preferred = new ArrayList<>();
        List<InetAddress> other = new ArrayList<>();
        for (InetAddress a : addresses) {
            (a.getClass() == first ? preferred : other).add(a);
        }
        List<InetSocketAddress> out = new ArrayList<>(addresses.size());
        for (int i = 0; i < Math.max(preferred.size(), other.size()); i++) {
            if (i < preferred.size()) {
                out.add(new InetSocketAddress(preferred.get(i), port));
            }
            if (i < other.size()) {
                out.add(new InetSocketAddress(other.get(i), port));
            }
        }
        return out;
    }
}
