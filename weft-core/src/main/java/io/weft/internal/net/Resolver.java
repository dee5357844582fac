package io.weft.internal.net;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import io.weft.internal.offload.OffloadPool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Name resolution off the loop thread, and RFC 8305 address ordering.
 *
 * <p>The JDK resolver blocks ({@code getaddrinfo}), so each lookup runs on the process's offload
 * pool ({@link OffloadPool}) and completes a promise that calls back on the loop; a lookup the
 * pool's full queue refuses fails with {@link io.weft.loop.OffloadQueueFullException}. Literal
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
        List<InetAddress> known = loop.driver().knownAddresses(host);
        if (known != null) {
            return known.isEmpty()
                    ? Promise.failed(loop, new UnknownHostException(host + ": no such host on this network"))
                    : Promise.completed(loop, known);
        }
        // Not interruptible: getaddrinfo ignores interrupts, and a cancelled lookup costs only its result.
        return OffloadPool.forLoop(loop).submit(loop, () -> {
            try {
                return List.of(InetAddress.getAllByName(host));
            } catch (RuntimeException e) {
                throw new UnknownHostException(host + ": " + e);
            }
        }, false, null);
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
