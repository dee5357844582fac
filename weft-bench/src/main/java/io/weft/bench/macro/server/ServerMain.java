package io.weft.bench.macro.server;

import io.weft.loop.PollerKind;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Starts one Java peer of the macro benchmarks in this process:
 * {@code ServerMain PEER [--loops N]}, PEER one of {@code weft}, {@code weft-green}, {@code netty-nio},
 * {@code netty-epoll}, {@code netty-iouring}, {@code jdk-threads}, {@code jdk-virtual}.
 *
 * <h2>The peer protocol (every peer of the suite speaks it, whatever its language)</h2>
 * <ul>
 *   <li>stdout {@code LISTENING <port>} once the server accepts connections on 127.0.0.1;</li>
 *   <li>stdin {@code mem} → stdout {@code HEAP <bytes>}: heap in use after a full collection
 *       (the in-process reporter the driver uses for memory per connection);</li>
 *   <li>stdin {@code alloc} → stdout {@code ALLOC <bytes>}: heap bytes allocated so far by every
 *       thread of the process (for allocation per round trip: the difference across a run);</li>
 *   <li>stdin {@code lag} → stdout {@code LAG p99_us=... max_us=... samples=...}: how late a 10 ms
 *       timer on the server's loops fired since the last {@code lag} (the first starts the timer) (the soak's loop lag; Weft
 *       peers only), or {@code LAG none};</li>
 *   <li>stdin closed → the process exits (so no server outlives a driver that died);</li>
 *   <li>stdout {@code ERROR <reason>} and exit status 1 when the peer cannot run here.</li>
 * </ul>
 */
public final class ServerMain {
    private ServerMain() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            fail("usage: ServerMain PEER [--loops N]");
        }
        int loops = 1;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--loops") && i + 1 < args.length) {
                loops = Integer.parseInt(args[++i]);
            } else {
                fail("unknown option " + args[i]);
            }
        }
        EchoServer server = switch (args[0].toLowerCase(Locale.ROOT)) {
            case "weft" -> new WeftEcho(loops, PollerKind.preferred());
            case "weft-nio" -> new WeftEcho(loops, PollerKind.NIO);
            case "weft-epoll" -> new WeftEcho(loops, PollerKind.EPOLL);
            case "weft-poll" -> new WeftEcho(loops, PollerKind.POLL);
            case "weft-uring" -> new WeftEcho(loops, PollerKind.IO_URING);
            case "weft-green" -> new WeftGreenEcho();
            case "netty-nio" -> new NettyEcho(NettyEcho.Kind.NIO, loops);
            case "netty-epoll" -> new NettyEcho(NettyEcho.Kind.EPOLL, loops);
            case "netty-iouring" -> new NettyEcho(NettyEcho.Kind.IO_URING, loops);
            case "jdk-threads" -> new JdkThreadEcho(false);
            case "jdk-virtual" -> new JdkThreadEcho(true);
            default -> {
                fail("unknown peer " + args[0]);
                yield null;
            }
        };
        int port;
        try {
            port = server.start();
        } catch (Throwable e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            fail(e + (root != e ? " (cause: " + root + ")" : ""));
            return;
        }
        System.out.println("LISTENING " + port);
        System.out.flush();
        control(server);
    }

    /** Answers the driver on stdin until it closes, then ends the process. */
    private static void control(EchoServer server) {
        LagProbe lag = null; // started by the first "lag", so other runs have no extra timer
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().equals("mem")) {
                    System.out.println("HEAP " + heapAfterGc());
                    System.out.flush();
                } else if (line.trim().equals("alloc")) {
                    System.out.println("ALLOC " + ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                            .getTotalThreadAllocatedBytes());
                    System.out.flush();
                } else if (line.trim().equals("lag")) {
                    if (lag == null && !server.loops().isEmpty()) {
                        lag = new LagProbe();
                        for (io.weft.loop.EventLoop l : server.loops()) {
                            lag.watch(l);
                        }
                    }
                    System.out.println(lag == null ? "LAG none" : lag.takeLine());
                    System.out.flush();
                }
            }
        } catch (Exception e) {
            // The driver is gone either way.
        }
        // halt, not exit: a server thread blocked in accept or a loop mid-turn must not delay it.
        Runtime.getRuntime().halt(0);
    }

    private static long heapAfterGc() {
        // Twice: the first full collection may leave objects whose finalisation/cleaning frees
        // more for the second; the figure then reflects live data only.
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void fail(String message) {
        System.out.println("ERROR " + message.replace('\n', ' '));
        System.out.flush();
        Runtime.getRuntime().halt(1);
    }
}
